#include "core/copy_root_mounts.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "shim/container_mounts.h"

namespace boxcar {

StatusOr<UniqueFd> OpenRootWithMounts(const std::string& rootfs_dir,
                                      const std::vector<LaunchMount>& mounts,
                                      const IdMapping& userns) {
  std::vector<LaunchMount> binds;
  for (const LaunchMount& mount : mounts) {
    if (mount.kind != LaunchMount::Kind::kTmpfs) binds.push_back(mount);
  }
  if (binds.empty()) {
    UniqueFd root(::open(rootfs_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return ErrnoStatus("open the root filesystem '" + rootfs_dir + "'");
    return root;
  }
  UniqueFd clone(::open_tree(AT_FDCWD, rootfs_dir.c_str(),
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!clone) return ErrnoStatus("clone the root filesystem '" + rootfs_dir + "'");
  struct mount_attr attr {};
  attr.propagation = MS_PRIVATE;
  if (::mount_setattr(clone.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
    return ErrnoStatus("make the clone of '" + rootfs_dir + "' private");
  }
  ASSIGN_OR_RETURN(std::vector<PreparedMount> prepared, PrepareMounts(binds, userns));
  Status attached = AttachMounts(clone.get(), prepared);
  if (!attached.ok()) {
    return Status(attached.code(), attached.message() +
                                       " (below a detached clone of the root: Linux 6.15 or later)");
  }
  return clone;
}

}  // namespace boxcar
