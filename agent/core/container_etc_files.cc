#include "core/container_etc_files.h"

#include <iterator>

#include "core/container_mounts.h"
#include "core/mount_point_layer.h"
#include "net/container_name_files.h"

namespace boxcar {

std::string EtcMountPointsLayer(const std::string& root_dir) {
  return root_dir + "/etc-mount-points";
}

Status EnsureEtcMountPointsLayer(const std::string& root_dir) {
  return EnsureMountPointLayer(EtcMountPointsLayer(root_dir), "etc",
                               {std::begin(kContainerEtcFiles), std::end(kContainerEtcFiles)}, 0644,
                               "the mount points' layer");
}

bool ImageEtcIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs) {
  return ImageTopDirectoryIsDirectoryOrAbsent(layer_dirs, "etc");
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
