#include "shim/container_devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "shim/mount_target.h"

namespace boxcar {

namespace {

Status BindHostNode(int rootfs_fd, const LaunchDevice& device) {
  ASSIGN_OR_RETURN(UniqueFd target,
                   OpenMountTarget(rootfs_fd, device.target, MountTargetKind::kFile));
  UniqueFd tree(
      ::open_tree(AT_FDCWD, device.host_path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (!tree) return ErrnoStatus("bind device '" + device.host_path + "'");
  if (::move_mount(tree.get(), "", target.get(), "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
    return ErrnoStatus("bind device '" + device.host_path + "' on '" + device.target + "'");
  }
  return OkStatus();
}

Status MakeNode(int rootfs_fd, const LaunchDevice& device) {
  const size_t slash = device.target.find_last_of('/');
  const std::string parent = device.target.substr(0, slash);
  const std::string name = device.target.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return InvalidArgument("device target '" + device.target + "' does not name a node");
  }
  ASSIGN_OR_RETURN(UniqueFd directory, OpenMountTarget(rootfs_fd, parent.empty() ? "/" : parent,
                                                       MountTargetKind::kDirectory));
  const mode_t type = device.type == 'b' ? S_IFBLK : S_IFCHR;
  const dev_t number = makedev(device.major, device.minor);
  const std::string what = "mknod device '" + device.target + "'";
  if (::mknodat(directory.get(), name.c_str(), type | 0600, number) != 0) {
    // What the image or /dev has there gives way, as runc's nodes do.
    if (errno != EEXIST || ::unlinkat(directory.get(), name.c_str(), 0) != 0 ||
        ::mknodat(directory.get(), name.c_str(), type | 0600, number) != 0) {
      return ErrnoStatus(what);
    }
  }
  // The host's mode and owner, whatever the umask.
  if (::fchownat(directory.get(), name.c_str(), device.uid, device.gid, AT_SYMLINK_NOFOLLOW) != 0 ||
      ::fchmodat(directory.get(), name.c_str(), device.mode & 07777, 0) != 0) {
    return ErrnoStatus(what);
  }
  return OkStatus();
}

}  // namespace

Status MakeContainerDevices(int rootfs_fd, const std::vector<LaunchDevice>& devices,
                            bool in_user_namespace) {
  for (const LaunchDevice& device : devices) {
    RETURN_IF_ERROR(in_user_namespace ? BindHostNode(rootfs_fd, device)
                                      : MakeNode(rootfs_fd, device));
  }
  return OkStatus();
}

}  // namespace boxcar
