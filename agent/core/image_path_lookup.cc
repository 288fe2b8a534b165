#include "core/image_path_lookup.h"

#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <deque>

namespace boxcar {

namespace {

// As the kernel's limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> components;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) components.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return components;
}

std::string Joined(const std::vector<std::string>& components) {
  std::string path;
  for (const std::string& component : components) path += (path.empty() ? "" : "/") + component;
  return path;
}

bool IsWhiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

bool IsOpaque(const std::string& dir) {
  char opaque = 0;
  return ::lgetxattr(dir.c_str(), "trusted.overlay.opaque", &opaque, 1) == 1 && opaque == 'y';
}

// The layers (indices into `layer_dirs`, highest first) whose version of the directory `dir`
// (every component a directory) shows: down from the highest that has it, to an opaque one,
// and not past one where something else hides it.
std::vector<size_t> LayersShowing(const std::vector<std::string>& layer_dirs,
                                  const std::vector<std::string>& dir) {
  std::vector<size_t> showing;
  for (size_t i = layer_dirs.size(); i-- > 0;) showing.push_back(i);
  std::string prefix;
  for (const std::string& component : dir) {
    prefix += "/" + component;
    std::vector<size_t> next;
    for (size_t layer : showing) {
      struct stat st {};
      if (::lstat((layer_dirs[layer] + prefix).c_str(), &st) != 0) continue;
      if (!S_ISDIR(st.st_mode)) break;  // a whiteout or a file hides the lower ones
      next.push_back(layer);
      if (IsOpaque(layer_dirs[layer] + prefix)) break;
    }
    showing = std::move(next);
  }
  return showing;
}

}  // namespace

std::optional<ImagePath> LookUpImagePath(const std::vector<std::string>& layer_dirs,
                                         const std::string& path) {
  std::vector<std::string> resolved;  // each a directory of the image
  const std::vector<std::string> given = Components(path);
  std::deque<std::string> pending(given.begin(), given.end());
  int symlinks = 0;
  while (!pending.empty()) {
    const std::string component = pending.front();
    pending.pop_front();
    if (component == ".") continue;
    if (component == "..") {
      if (!resolved.empty()) resolved.pop_back();  // clamped at the image's root
      continue;
    }
    // The highest layer that shows an entry of that name decides what it is.
    struct stat st {};
    std::string entry;
    bool found = false;
    for (size_t layer : LayersShowing(layer_dirs, resolved)) {
      entry =
          layer_dirs[layer] + "/" + Joined(resolved) + (resolved.empty() ? "" : "/") + component;
      if (::lstat(entry.c_str(), &st) == 0) {
        found = !IsWhiteout(st);
        break;
      }
    }
    resolved.push_back(component);
    const bool last = pending.empty();
    if (!found) {
      if (!last) return std::nullopt;  // below a missing directory
      return ImagePath{Joined(resolved), false, false};
    }
    if (S_ISDIR(st.st_mode)) continue;
    resolved.pop_back();
    if (S_ISLNK(st.st_mode)) {
      if (++symlinks > kMaxSymlinks) return std::nullopt;
      char target[PATH_MAX];
      const ssize_t length = ::readlink(entry.c_str(), target, sizeof target);
      if (length <= 0 || static_cast<size_t>(length) >= sizeof target) return std::nullopt;
      const std::string link(target, static_cast<size_t>(length));
      if (link[0] == '/') resolved.clear();
      const std::vector<std::string> link_components = Components(link);
      pending.insert(pending.begin(), link_components.begin(), link_components.end());
      continue;
    }
    if (!last) return std::nullopt;  // a file where a directory should be
    resolved.push_back(component);
    return ImagePath{Joined(resolved), true, false};
  }
  return ImagePath{Joined(resolved), true, true};
}

}  // namespace boxcar
