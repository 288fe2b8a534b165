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

  // lstat of an absolute path as the container would see it; nullopt when absent.
  std::optional<struct stat> Stat(const std::string& path) const;
  // The host path of the topmost copy of `path`; "" when absent.
  std::string HostPath(const std::string& path) const;

  // "uid[:gid]" or "name[:group]" as --chown and USER take it: numbers as they are, names
  // looked up in the image's /etc/passwd and /etc/group. A user alone takes its primary
  // group (its uid when numeric).
  StatusOr<std::pair<uid_t, gid_t>> ResolveOwner(const std::string& spec) const;

 private:
  std::vector<std::string> layer_dirs_;
};

}  // namespace boxcar
