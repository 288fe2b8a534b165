#include "snapshot/idmapped_overlay.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

Status FsconfigString(int fs, const char* key, const std::string& value) {
  if (::fsconfig(fs, FSCONFIG_SET_STRING, key, value.c_str(), 0) != 0)
    return ErrnoStatus(std::string("overlay option ") + key + "='" + value + "'");
  return OkStatus();
}

}  // namespace

Status MountIdmappedOverlay(const std::vector<std::string>& lower_dirs,
                            const std::string& upper_dir, const std::string& work_dir,
                            const std::string& target, const IdMapping& mapping) {
  ASSIGN_OR_RETURN(UniqueFd userns, OpenUserNamespace(mapping));
  UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs) return ErrnoStatus("fsopen overlay for '" + target + "'");
  // NOTE: every layer's detached mount must stay open until the superblock exists: closing
  // its descriptor dissolves the mount, and overlayfs then fails to clone it ("failed to clone
  // lowerpath", EINVAL).
  std::vector<UniqueFd> layers;
  layers.reserve(lower_dirs.size());
  // "lowerdir+" appends below the layers given so far: the top layer comes first.
  for (auto dir = lower_dirs.rbegin(); dir != lower_dirs.rend(); ++dir) {
    UniqueFd layer(::open_tree(AT_FDCWD, dir->c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!layer) return ErrnoStatus("open_tree layer '" + *dir + "'");
    struct mount_attr idmap {};
    idmap.attr_set = MOUNT_ATTR_IDMAP;
    idmap.userns_fd = static_cast<uint64_t>(userns.get());
    if (::mount_setattr(layer.get(), "", AT_EMPTY_PATH, &idmap, sizeof idmap) != 0)
      return ErrnoStatus("idmap layer '" + *dir + "'");
    if (::fsconfig(fs.get(), FSCONFIG_SET_FD, "lowerdir+", nullptr, layer.get()) != 0)
      return ErrnoStatus("add idmapped layer '" + *dir + "' to the overlay (Linux 6.13+)");
    layers.push_back(std::move(layer));
  }
  RETURN_IF_ERROR(FsconfigString(fs.get(), "upperdir", upper_dir));
  RETURN_IF_ERROR(FsconfigString(fs.get(), "workdir", work_dir));
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
    return ErrnoStatus("create the overlay for '" + target + "' (see dmesg)");
  UniqueFd mount(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
  if (!mount) return ErrnoStatus("fsmount the overlay for '" + target + "'");
  if (::move_mount(mount.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
    return ErrnoStatus("mount the overlay on '" + target + "'");
  return OkStatus();
}

}  // namespace boxcar
