// Where a container's mount lands: its target path resolved inside the rootfs with
// openat2(RESOLVE_IN_ROOT), one component at a time, creating what is missing. A symlink or
// ".." of the image resolves as it would inside the container (clamped at its root), so a
// hostile "/data -> /../../host" can never make a mount land outside the rootfs.
#pragma once

#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

enum class MountTargetKind { kDirectory, kFile };

// An O_PATH descriptor of the target below `rootfs_fd` (a directory descriptor of the
// container's root), made as a directory (0755) or an empty file (0644) when missing.
// FAILED_PRECONDITION when the image has something else there, or a symlink that leads to a
// missing path (it is never followed out of the rootfs to create it).
StatusOr<UniqueFd> OpenMountTarget(int rootfs_fd, const std::string& target, MountTargetKind kind);

}  // namespace boxcar
