#include "core/container_etc_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

#include "common/unique_fd.h"
#include "core/container_mounts.h"
#include "net/container_name_files.h"

namespace boxcar {

std::string EtcMountPointsLayer(const std::string& root_dir) {
  return root_dir + "/etc-mount-points";
}

Status EnsureEtcMountPointsLayer(const std::string& root_dir) {
  const std::string layer = EtcMountPointsLayer(root_dir);
  for (const std::string& dir : {layer, layer + "/etc"}) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("create the mount points' layer '" + dir + "'");
    }
  }
  for (const char* name : kContainerEtcFiles) {
    const std::string path = layer + "/etc/" + name;
    UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file) return ErrnoStatus("create the mount point '" + path + "'");
  }
  return OkStatus();
}

bool ImageEtcIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs) {
  return ImageTopDirectoryIsDirectoryOrAbsent(layer_dirs, "etc");
}

bool ImageTopDirectoryIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs,
                                          const std::string& name) {
  // The highest layer that names it decides; an overlay whiteout there deletes it.
  for (auto layer = layer_dirs.rbegin(); layer != layer_dirs.rend(); ++layer) {
    struct stat st {};
    if (::lstat((*layer + "/" + name).c_str(), &st) != 0) continue;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) return true;
    return S_ISDIR(st.st_mode);
  }
  return true;
}

std::vector<LaunchMount> EtcFileMounts(const std::string& files_dir,
                                       const v1::ContainerSpec& spec) {
  std::vector<LaunchMount> mounts;
  for (const char* name : kContainerEtcFiles) {
    const std::string target = std::string("/etc/") + name;
    bool taken = false;
    for (const auto& mount : spec.mounts()) taken |= CleanContainerPath(mount.target()) == target;
    if (taken) continue;
    LaunchMount mount;
    mount.kind = LaunchMount::Kind::kBind;
    mount.source = files_dir + "/" + name;
    mount.target = target;
    // As Docker: writable unless the rootfs is read-only.
    mount.read_only = spec.read_only_rootfs();
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace boxcar
