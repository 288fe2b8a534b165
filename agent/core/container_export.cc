// `boxcar export`: a container's filesystem as one tar, as Docker's `docker export` writes it.
// Read through its snapshot alone (its image's layers with its changes over them, so deletions
// are already applied and no whiteout shows), never through its payload's root: the contents
// of its volumes, bind mounts and tmpfs mounts stay out, as in Docker.
#include <spdlog/spdlog.h>

#include <set>
#include <string>
#include <vector>

#include "common/identifiers.h"
#include "core/container_etc_files.h"
#include "core/container_init_process.h"
#include "core/container_service.h"
#include "core/mount_point_layer.h"
#include "core/tree_tar_writer.h"

namespace boxcar {

namespace {

// The agent's own mount points that show in the snapshot only through its mount-point layers
// (/etc/hosts where the image has none, /sbin/docker-init): no file of the container's, and
// none of a `commit`'s either. (Docker's export has empty /etc/hosts, /etc/hostname and
// /etc/resolv.conf, from its init layer, and /.dockerenv.)
std::set<std::string> AgentMountPointsLeftOut(const std::string& root_dir,
                                              std::vector<std::string> layer_dirs,
                                              const std::string& changes_dir) {
  layer_dirs.push_back(changes_dir);
  std::set<std::string> left_out;
  for (const std::string& layer : {EtcMountPointsLayer(root_dir), InitMountPointLayer(root_dir)}) {
    for (const std::string& path : MountPointLayerFiles(layer)) {
      if (!LayersHavePath(layer_dirs, path)) left_out.insert(path.substr(1));
    }
  }
  return left_out;
}

}  // namespace

Status ContainerService::Export(const std::string& container, const TarSink& sink) {
  ASSIGN_OR_RETURN(RootForCopy root,
                   OpenRootForCopy(container, "container", RootView::kFilesystemOnly));
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs, images_->LayerDirectories(root.image_id));
  RootTarOptions options;
  options.left_out = AgentMountPointsLeftOut(config_.root_dir, std::move(layer_dirs),
                                             snapshotter_->ChangesDir(root.container_id));
  Status written = WriteRootAsTar(root.root_fd.get(), root.ids, options, sink);
  if (!written.ok()) {
    spdlog::warn("container {}: export failed: {}", ShortId(root.container_id), written.message());
    return written;
  }
  spdlog::info("container {} exported", ShortId(root.container_id));
  return OkStatus();
}

}  // namespace boxcar
