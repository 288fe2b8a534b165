#include "shim/container_mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cstdio>

namespace boxcar {

namespace {

Status SetString(int fs, const char* key, const std::string& value, const std::string& target) {
  if (::fsconfig(fs, FSCONFIG_SET_STRING, key, value.c_str(), 0) != 0) {
    return ErrnoStatus("tmpfs on '" + target + "': option " + key + "=" + value);
  }
  return OkStatus();
}

StatusOr<PreparedMount> PrepareBind(const LaunchMount& mount, const IdMapping& userns) {
  PreparedMount prepared;
  prepared.target = mount.target;
  // Recursive, as Docker binds: what is mounted below the source comes along.
  prepared.tree.reset(::open_tree(AT_FDCWD, mount.source.c_str(),
                                  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!prepared.tree) {
    return ErrnoStatus("bind source '" + mount.source + "' of mount target '" + mount.target + "'");
  }
  struct stat st;
  if (::fstat(prepared.tree.get(), &st) != 0) return ErrnoStatus("stat '" + mount.source + "'");
  prepared.kind = S_ISDIR(st.st_mode) ? MountTargetKind::kDirectory : MountTargetKind::kFile;
  // NOTE: a clone joins the peer group of a shared source; made private, nothing mounted
  // inside the container shows on the host, nor the reverse.
  struct mount_attr attr {};
  attr.propagation = MS_PRIVATE;
  if (mount.read_only) attr.attr_set = MOUNT_ATTR_RDONLY;
  // With a user namespace the bind is idmapped: ids inside are the ids on disk, so root inside
  // owns a volume made by (host) root, and a volume or host directory reads the same from
  // every container, with or without --userns (docs/volumes.md).
  UniqueFd mapping;
  if (userns.enabled()) {
    ASSIGN_OR_RETURN(mapping, OpenUserNamespace(userns));
    attr.attr_set |= MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(mapping.get());
  }
  if (::mount_setattr(prepared.tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) !=
      0) {
    return ErrnoStatus("make the bind of '" + mount.source + "' private" +
                       (mount.read_only ? ", read-only" : "") +
                       (userns.enabled() ? " and idmapped for the user namespace" : ""));
  }
  return prepared;
}

StatusOr<PreparedMount> PrepareTmpfs(const LaunchMount& mount, const IdMapping& userns) {
  PreparedMount prepared;
  prepared.target = mount.target;
  UniqueFd fs(::fsopen("tmpfs", FSOPEN_CLOEXEC));
  if (!fs) return ErrnoStatus("fsopen tmpfs for '" + mount.target + "'");
  if (mount.tmpfs_size_bytes != 0) {
    RETURN_IF_ERROR(SetString(fs.get(), "size", std::to_string(mount.tmpfs_size_bytes), mount.target));
  }
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", mount.tmpfs_mode == 0 ? 01777u : mount.tmpfs_mode);
  RETURN_IF_ERROR(SetString(fs.get(), "mode", mode, mount.target));
  if (userns.enabled()) {
    RETURN_IF_ERROR(SetString(fs.get(), "uid", std::to_string(userns.host_uid), mount.target));
    RETURN_IF_ERROR(SetString(fs.get(), "gid", std::to_string(userns.host_gid), mount.target));
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return ErrnoStatus("create the tmpfs for '" + mount.target + "'");
  }
  unsigned int attributes = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (mount.read_only) attributes |= MOUNT_ATTR_RDONLY;
  prepared.tree.reset(::fsmount(fs.get(), FSMOUNT_CLOEXEC, attributes));
  if (!prepared.tree) return ErrnoStatus("fsmount the tmpfs for '" + mount.target + "'");
  return prepared;
}

}  // namespace

StatusOr<std::vector<PreparedMount>> PrepareMounts(const std::vector<LaunchMount>& mounts,
                                                   const IdMapping& userns) {
  std::vector<PreparedMount> prepared;
  for (const LaunchMount& mount : mounts) {
    auto one = mount.kind == LaunchMount::Kind::kTmpfs ? PrepareTmpfs(mount, userns)
                                                       : PrepareBind(mount, userns);
    if (!one.ok()) return one.status();
    prepared.push_back(std::move(*one));
  }
  return prepared;
}

Status AttachMounts(int rootfs_fd, std::vector<PreparedMount>& mounts) {
  for (PreparedMount& mount : mounts) {
    ASSIGN_OR_RETURN(UniqueFd target, OpenMountTarget(rootfs_fd, mount.target, mount.kind));
    if (::move_mount(mount.tree.get(), "", target.get(), "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
      return ErrnoStatus("mount on '" + mount.target + "'");
    }
    mount.tree.reset();
  }
  return OkStatus();
}

Status MakeMountReadOnly(int mount_fd, const std::string& what) {
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (::mount_setattr(mount_fd, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
    return ErrnoStatus("make " + what + " read-only");
  }
  return OkStatus();
}

}  // namespace boxcar
