#include "core/mount_point_layer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

#include "common/directory_tree.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

bool IsWhiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

}  // namespace

Status EnsureMountPointLayer(const std::string& layer, const std::string& top_dir,
                             const std::vector<std::string>& names, mode_t mode,
                             const std::string& what) {
  // `top_dir` may be a path ("usr/sbin"): each of its directories in turn.
  std::vector<std::string> dirs = {layer};
  for (size_t end = top_dir.find('/'); end != std::string::npos; end = top_dir.find('/', end + 1)) {
    dirs.push_back(layer + "/" + top_dir.substr(0, end));
  }
  dirs.push_back(layer + "/" + top_dir);
  for (const std::string& dir : dirs) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("create " + what + " '" + dir + "'");
    }
  }
  for (const std::string& name : names) {
    const std::string path = layer + "/" + top_dir + "/" + name;
    UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!file) return ErrnoStatus("create the mount point '" + path + "'");
  }
  return OkStatus();
}

bool ImageTopDirectoryIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs,
                                          const std::string& name) {
  // The highest layer that names it decides; an overlay whiteout there deletes it.
  for (auto layer = layer_dirs.rbegin(); layer != layer_dirs.rend(); ++layer) {
    struct stat st {};
    if (::lstat((*layer + "/" + name).c_str(), &st) != 0) continue;
    if (IsWhiteout(st)) return true;
    return S_ISDIR(st.st_mode);
  }
  return true;
}

bool LayersHavePath(const std::vector<std::string>& layer_dirs, const std::string& path) {
  for (auto layer = layer_dirs.rbegin(); layer != layer_dirs.rend(); ++layer) {
    struct stat st;
    if (::lstat((*layer + path).c_str(), &st) == 0) return !IsWhiteout(st);
  }
  return false;
}

std::vector<std::string> MountPointLayerFiles(const std::string& layer) {
  std::vector<std::string> files;
  for (const std::string& top_dir : ListDirectoryNames(layer)) {
    for (const std::string& name : ListDirectoryNames(layer + "/" + top_dir))
      files.push_back("/" + top_dir + "/" + name);
  }
  return files;
}

}  // namespace boxcar
