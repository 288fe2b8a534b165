// A path of an image looked up in its unpacked layers, as the container's overlayfs will show
// it, before anything is mounted: symlinks are followed inside the image (an absolute target
// from the image's root, ".." clamped at it, as openat2's RESOLVE_IN_ROOT does), whiteouts hide
// what lies below them and an opaque directory hides the lower layers' version. Used to place
// a mount point in a layer of the agent's where a usr-merged image's /sbin really is.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace boxcar {

struct ImagePath {
  std::string relative_path;  // resolved, from the image's root: "usr/sbin" ("" = the root)
  bool exists = false;        // false: nothing there (its parent is a directory)
  bool is_directory = false;
};

// `path` ("sbin", "/usr/local/bin") in `layer_dirs` (lowest first). nullopt when it cannot be
// resolved to a place in the image: a symlink loop or more than 40 symlinks, a component below
// a missing directory or below something that is not a directory.
std::optional<ImagePath> LookUpImagePath(const std::vector<std::string>& layer_dirs,
                                         const std::string& path);

}  // namespace boxcar
