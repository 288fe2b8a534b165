// Read-only questions about an image's root filesystem, answered from its unpacked layer
// directories without mounting them: does a path exist, as what, and who do the names of its
// /etc/passwd and /etc/group stand for. Whiteouts (0:0 character devices) hide what is below.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

class ImageRootfsView {
 public:
  // `layer_dirs` lowest first (ImageStore::LayerDirectories); none for scratch.
  explicit ImageRootfsView(std::vector<std::string> layer_dirs)
      : layer_dirs_(std::move(layer_dirs)) {}

  // lstat of an absolute path as the container would see it; nullopt when absent. The
  // components before the last are taken as they are (see Resolve).
  std::optional<struct stat> Stat(const std::string& path) const;
  // The host path of the topmost copy of `path`; "" when absent. A layer's copy is looked up
  // without following any symlink on the host (one inside the image never leads out of it).
  std::string HostPath(const std::string& path) const;
  // `path` (absolute) with the image's symlinks on the way followed as the container would
  // follow them, inside the image's root: "/lib2/x" where /lib2 -> usr/lib2 is "/usr/lib2/x".
  // The last component is followed when `follow_last`. Lexically clean ("." and ".." taken,
  // ".." of the root is the root). INVALID_ARGUMENT after 40 links (a loop).
  StatusOr<std::string> Resolve(const std::string& path, bool follow_last) const;

  // "uid[:gid]" or "name[:group]" as --chown and USER take it: numbers as they are, names
  // looked up in the image's /etc/passwd and /etc/group. A user alone takes its primary
  // group (its uid when numeric).
  StatusOr<std::pair<uid_t, gid_t>> ResolveOwner(const std::string& spec) const;

 private:
  std::vector<std::string> layer_dirs_;
};

}  // namespace boxcar
