// The --device nodes of a container, made below its root once /dev and the mounts are set
// up: a node of the host's type, major:minor, mode and owner (as runc makes them), or in a
// user namespace, where mknod is out of reach, a bind of the host's node. Targets resolve
// inside the rootfs (mount_target.h), so no symlink of the image leads them out.
#pragma once

#include <vector>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

Status MakeContainerDevices(int rootfs_fd, const std::vector<LaunchDevice>& devices,
                            bool in_user_namespace);

}  // namespace boxcar
