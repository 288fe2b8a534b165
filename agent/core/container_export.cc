// `boxcar export`: a container's filesystem as one tar, as Docker's `docker export` writes it.
// Read through its snapshot alone (its image's layers with its changes over them, so deletions
// are already applied and no whiteout shows), never through its payload's root: the contents
// of its volumes, bind mounts and tmpfs mounts stay out, as in Docker.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "core/container_etc_files.h"
#include "core/container_init_process.h"
#include "core/container_service.h"
#include "core/mount_point_layer.h"
#include "core/tree_tar_writer.h"

namespace boxcar {

namespace {

// The top-level directories the runtime mounts its file systems on (the shim's, LXC's): made
// in the writable layer where the image has none.
constexpr const char* kRuntimeMountPoints[] = {"dev", "proc", "sys"};

bool IsEmptyDirectory(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ListDirectoryNames(path).empty();
}

// What the agent made for its own mounts and neither the image nor the container did, left out
// as `diff` and `commit` leave it out: the files of its mount-point layers (/etc/hosts where
// the image has none, /sbin/docker-init) and their directories where the image and the
// container have none (a scratch image's /etc, /sbin), and the runtime's /dev, /proc and /sys
// where the image has none and they are still empty directories. (Docker's export has these:
// its init layer's /dev, /proc, /sys, empty /etc/hosts, /etc/hostname, /etc/resolv.conf, and
// /.dockerenv. Ours holds what the image and the container hold, so that `export | import`
// gives an image of the container's files alone.)
std::set<std::string> AgentMountPointsLeftOut(const std::string& root_dir,
                                              const std::vector<std::string>& image_layer_dirs,
                                              const std::string& changes_dir) {
  std::vector<std::string> layer_dirs = image_layer_dirs;
  layer_dirs.push_back(changes_dir);
  std::set<std::string> left_out;
  for (const std::string& layer : {EtcMountPointsLayer(root_dir), InitMountPointLayer(root_dir)}) {
    for (const std::string& path : MountPointLayerFiles(layer)) {  // "/etc/hosts"
      const std::string top_dir = path.substr(0, path.find('/', 1));
      if (!LayersHavePath(layer_dirs, top_dir)) {
        left_out.insert(top_dir.substr(1));
      } else if (!LayersHavePath(layer_dirs, path)) {
        left_out.insert(path.substr(1));
      }
    }
  }
  for (const char* name : kRuntimeMountPoints) {
    const std::string path = std::string("/") + name;
    if (!LayersHavePath(image_layer_dirs, path) && IsEmptyDirectory(changes_dir + path)) {
      left_out.insert(name);
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
  options.left_out = AgentMountPointsLeftOut(config_.root_dir, layer_dirs,
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
