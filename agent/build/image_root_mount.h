// The merged root filesystem of a stored image, read-only, for COPY --from: its single layer
// directory as it is, or an overlay of its layers (no upper directory) mounted in the build's
// scratch directory and unmounted when this goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

class ImageRootMount {
 public:
  // `layer_dirs` lowest first; `scratch_dir` holds the mount point.
  static StatusOr<std::unique_ptr<ImageRootMount>> Mount(const std::vector<std::string>& layer_dirs,
                                                         const std::string& scratch_dir);
  ~ImageRootMount();
  ImageRootMount(const ImageRootMount&) = delete;
  ImageRootMount& operator=(const ImageRootMount&) = delete;

  const std::string& root() const { return root_; }

 private:
  ImageRootMount(std::string root, bool mounted) : root_(std::move(root)), mounted_(mounted) {}
  std::string root_;
  bool mounted_;
};

}  // namespace boxcar
