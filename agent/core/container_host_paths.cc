// ContainerService::RootfsLayerDirs and FillHostPaths: what Start mounts a container's rootfs
// over, and where Inspect says its files are on the host (Docker's ResolvConfPath, HostsPath,
// HostnamePath, LogPath and GraphDriver), from the same functions Start uses, so that the
// paths Inspect names are the ones mounted.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "common/identifiers.h"
#include "core/container_etc_files.h"
#include "core/container_init_process.h"
#include "core/container_service.h"
#include "net/container_name_files.h"
#include "snapshot/overlay_lower_dirs.h"

namespace boxcar {

StatusOr<std::vector<std::string>> ContainerService::RootfsLayerDirs(const v1::Container& record,
                                                                     bool* etc_files) {
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs,
                   images_->LayerDirectories(record.image_id()));
  // The mount points of its generated /etc files, as the topmost lower layer
  // (container_etc_files.h).
  *etc_files = config_.networks != nullptr && ImageEtcIsDirectoryOrAbsent(layer_dirs);
  if (*etc_files) layer_dirs.push_back(EtcMountPointsLayer(config_.root_dir));
  // And the init's (container_init_process.h).
  if (record.spec().init()) {
    ASSIGN_OR_RETURN(std::optional<std::string> init_layer,
                     InitMountPointLayerOver(config_.root_dir, layer_dirs));
    if (init_layer) layer_dirs.push_back(*init_layer);
  }
  return layer_dirs;
}

void ContainerService::FillHostPaths(v1::Container& record) {
  const std::string state_dir = StateDir(record.id());
  // As Docker's, each path from the first start on (which writes them; a spare state
  // directory may hold an empty output log before), once the file is there.
  const bool started = record.started_unix_ns() != 0;
  auto existing = [started](const std::string& path) {
    return started && ::access(path.c_str(), F_OK) == 0 ? path : std::string();
  };
  record.set_resolv_conf_path(existing(state_dir + "/" + kResolvConfFile));
  record.set_hostname_path(existing(state_dir + "/" + kHostnameFile));
  record.set_hosts_path(existing(state_dir + "/" + kHostsFile));
  record.set_log_path(existing(state_dir + kOutputLogFile));

  v1::Container::Storage& storage = *record.mutable_storage();
  storage.set_driver(snapshotter_->name());
  storage.set_upper_dir(snapshotter_->ChangesDir(record.id()));
  storage.set_work_dir(snapshotter_->WorkDir(record.id()));
  storage.set_merged_dir(snapshotter_->RootfsDir(record.id()));
  bool etc_files = false;
  StatusOr<std::vector<std::string>> layer_dirs = RootfsLayerDirs(record, &etc_files);
  if (!layer_dirs.ok()) {
    // An image gone from under it (removed with --force): the rest still tells.
    spdlog::warn("container {}: inspect: {}", ShortId(record.id()), layer_dirs.status().message());
    return;
  }
  const std::vector<std::string> lower_dirs = DistinctLowerDirs(*layer_dirs);
  for (auto it = lower_dirs.rbegin(); it != lower_dirs.rend(); ++it) storage.add_lower_dirs(*it);
}

}  // namespace boxcar
