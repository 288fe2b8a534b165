// `boxcar diff`: a container's writable layer (overlay's upper directory) read against its
// image's layers. A path there is "A" when no layer has it, "C" when one does (copied up,
// or a directory holding changes), and an overlay whiteout is "D".
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <memory>

#include "core/container_service.h"
#include "core/mount_point_layer.h"

namespace boxcar {

namespace {

bool IsWhiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

void Walk(const std::string& upper_dir, const std::string& path,
          const std::vector<std::string>& layer_dirs, v1::DiffResponse* diff) {
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir((upper_dir + path).c_str()), ::closedir);
  if (!listing) return;
  std::vector<std::string> names;
  while (struct dirent* child = ::readdir(listing.get())) {
    std::string name = child->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  for (const auto& name : names) {
    const std::string child = (path == "/" ? "" : path) + "/" + name;
    struct stat st;
    if (::lstat((upper_dir + child).c_str(), &st) != 0) continue;  // gone meanwhile
    v1::PathChange* change = diff->add_changes();
    change->set_path(child);
    if (IsWhiteout(st)) {
      change->set_kind(v1::PATH_CHANGE_KIND_DELETED);
      continue;
    }
    change->set_kind(LayersHavePath(layer_dirs, child) ? v1::PATH_CHANGE_KIND_CHANGED
                                                       : v1::PATH_CHANGE_KIND_ADDED);
    if (S_ISDIR(st.st_mode)) Walk(upper_dir, child, layer_dirs, diff);
  }
}

}  // namespace

StatusOr<v1::DiffResponse> ContainerService::Diff(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::string id;
  std::string image_id;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (entry->removed) return NotFound("container: '" + container + "' was removed");
    id = entry->record.id();
    image_id = entry->record.image_id();
  }
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs, images_->LayerDirectories(image_id));
  const std::string upper_dir = snapshotter_->ChangesDir(id);
  struct stat st;
  if (::stat(upper_dir.c_str(), &st) != 0) return ErrnoStatus("container: read the changes of " + id);
  v1::DiffResponse diff;
  Walk(upper_dir, "/", layer_dirs, &diff);
  std::sort(diff.mutable_changes()->begin(), diff.mutable_changes()->end(),
            [](const v1::PathChange& a, const v1::PathChange& b) { return a.path() < b.path(); });
  return diff;
}

}  // namespace boxcar
