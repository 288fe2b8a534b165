// A container's own mounts (binds of host paths and volumes, tmpfs), made in two steps so that
// both shims share them: prepared as detached mounts by host root while the host's paths are
// reachable (open_tree, fsmount), then attached below the container's rootfs inside its
// private mount namespace (move_mount onto a target resolved by OpenMountTarget). Every
// prepared mount is private: nothing propagates between it and the host.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "common/user_namespace.h"
#include "launch/launch_spec.h"
#include "shim/mount_target.h"

namespace boxcar {

struct PreparedMount {
  UniqueFd tree;  // a detached mount (close-on-exec)
  std::string target;
  MountTargetKind kind = MountTargetKind::kDirectory;
};

// With a user namespace a tmpfs root belongs to the container's root (userns.host_uid/gid),
// and binds and volumes are idmapped (id N inside is id N on disk).
StatusOr<std::vector<PreparedMount>> PrepareMounts(const std::vector<LaunchMount>& mounts,
                                                   const IdMapping& userns);

// Attaches each mount in order below `rootfs_fd` (a directory descriptor of the rootfs in the
// caller's mount namespace); errors name the target.
Status AttachMounts(int rootfs_fd, std::vector<PreparedMount>& mounts);

// Makes the mount at `mount_fd` read-only, not what is mounted below it (--read-only).
Status MakeMountReadOnly(int mount_fd, const std::string& what);

}  // namespace boxcar
