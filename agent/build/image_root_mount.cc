#include "build/image_root_mount.h"

#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "snapshot/overlay_lower_dirs.h"

namespace boxcar {

StatusOr<std::unique_ptr<ImageRootMount>> ImageRootMount::Mount(
    const std::vector<std::string>& layer_dirs, const std::string& scratch_dir) {
  if (layer_dirs.empty()) return FailedPrecondition("the image has no layers");
  const std::vector<std::string> lower_dirs = DistinctLowerDirs(layer_dirs);
  if (lower_dirs.size() == 1) {
    return std::unique_ptr<ImageRootMount>(new ImageRootMount(lower_dirs[0], false));
  }
  std::string lower;
  for (auto dir = lower_dirs.rbegin(); dir != lower_dirs.rend(); ++dir) {
    lower += (lower.empty() ? "" : ":") + *dir;
  }
  std::string pattern = scratch_dir + "/from-XXXXXX";
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  if (!::mkdtemp(path.data())) return ErrnoStatus("mkdtemp '" + pattern + "'");
  std::string root = path.data();
  // NOTE: overlayfs without an upper directory is read-only by itself; it needs two or more
  // lower directories, which the single-layer case above avoids.
  std::string data = "lowerdir=" + lower;
  if (::mount("overlay", root.c_str(), "overlay", MS_RDONLY, data.c_str()) != 0) {
    Status failed = ErrnoStatus("mount the image's layers read-only on '" + root + "'");
    ::rmdir(root.c_str());
    return failed;
  }
  return std::unique_ptr<ImageRootMount>(new ImageRootMount(root, true));
}

ImageRootMount::~ImageRootMount() {
  if (!mounted_) return;
  ::umount2(root_.c_str(), MNT_DETACH);
  ::rmdir(root_.c_str());
}

}  // namespace boxcar
