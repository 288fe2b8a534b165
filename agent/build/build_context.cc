#include "build/build_context.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "common/directory_tree.h"
#include "common/path_components.h"
#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string joined;
  for (const auto& part : parts) joined += (joined.empty() ? "" : "/") + part;
  return joined;
}

// `relative` (clean) inside `root` with every symlink on the way resolved inside the root.
StatusOr<std::string> ResolveInside(const std::string& root, const std::string& relative,
                                    const std::string& pattern, bool filesystem) {
  std::vector<std::string> pending = PathComponents(relative);
  std::reverse(pending.begin(), pending.end());
  std::vector<std::string> resolved;
  int hops = 0;
  while (!pending.empty()) {
    std::string part = pending.back();
    pending.pop_back();
    if (part == "..") {
      if (resolved.empty() && filesystem) continue;  // "/.." is "/"
      if (resolved.empty()) {
        return InvalidArgument("'" + pattern + "' leads outside the build context");
      }
      resolved.pop_back();
      continue;
    }
    resolved.push_back(part);
    std::string path = root + "/" + Join(resolved);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      return NotFound("'" + pattern + "' not found in " +
                      (filesystem ? "the --from stage or image" : "the build context"));
    }
    if (!S_ISLNK(st.st_mode)) continue;
    if (++hops > 40) return InvalidArgument("'" + pattern + "': too many levels of symlinks");
    char target[4096];
    ssize_t length = ::readlink(path.c_str(), target, sizeof target - 1);
    if (length < 0) return ErrnoStatus("readlink '" + path + "'");
    std::string link(target, static_cast<size_t>(length));
    if (!link.empty() && link[0] == '/' && filesystem) {
      resolved.clear();
    } else if (!link.empty() && link[0] == '/') {
      return InvalidArgument("'" + pattern + "': symlink '" + Join(resolved) + "' -> '" + link +
                             "' leads outside the build context");
    }
    if (!resolved.empty() && !(link[0] == '/' && filesystem)) resolved.pop_back();
    std::vector<std::string> link_parts = PathComponents(link);
    for (auto it = link_parts.rbegin(); it != link_parts.rend(); ++it) pending.push_back(*it);
  }
  return Join(resolved);
}

bool HasGlob(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

// Every path under `root` (relative, sorted), directories included, not following links.
void ListTree(const std::string& root, const std::string& relative,
              std::vector<std::string>* paths) {
  std::string dir = relative.empty() ? root : root + "/" + relative;
  for (const auto& name : ListDirectoryNames(dir)) {
    std::string child = relative.empty() ? name : relative + "/" + name;
    paths->push_back(child);
    struct stat st;
    if (::lstat((root + "/" + child).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      ListTree(root, child, paths);
    }
  }
}

StatusOr<std::string> FileDigest(const std::string& path) {
  Sha256 hasher;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  char buffer[1 << 16];
  while (true) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read '" + path + "'");
    }
    if (got == 0) return hasher.FinishDigest();
    hasher.Update(buffer, static_cast<size_t>(got));
  }
}

Status HashTree(const std::string& path, const std::string& name, Sha256& hasher,
                FileDigests* known) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("lstat '" + path + "'");
  std::string header = name + std::string(1, '\0') + std::to_string(st.st_mode) + " " +
                       std::to_string(S_ISREG(st.st_mode) ? st.st_size : 0) + "\n";
  hasher.Update(header);
  if (S_ISREG(st.st_mode)) {
    if (known) {
      auto found = known->find(path);
      if (found != known->end()) {
        hasher.Update(found->second);
        return OkStatus();
      }
    }
    ASSIGN_OR_RETURN(std::string digest, FileDigest(path));
    hasher.Update(digest);
    if (known) known->emplace(path, std::move(digest));
    return OkStatus();
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t length = ::readlink(path.c_str(), target, sizeof target);
    if (length < 0) return ErrnoStatus("readlink '" + path + "'");
    hasher.Update(target, static_cast<size_t>(length));
    return OkStatus();
  }
  if (S_ISDIR(st.st_mode)) {
    for (const auto& child : ListDirectoryNames(path)) {
      RETURN_IF_ERROR(HashTree(path + "/" + child, name + "/" + child, hasher, known));
    }
  }
  return OkStatus();
}

}  // namespace

bool CleanRelativePath(const std::string& path, std::string* cleaned) {
  std::vector<std::string> parts;
  for (const auto& part : PathComponents(path)) {
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  *cleaned = Join(parts);
  return true;
}

StatusOr<std::vector<ContextSource>> ResolveContextSources(const std::string& root,
                                                           const std::string& pattern,
                                                           bool filesystem) {
  if (!pattern.empty() && pattern[0] == '/' && !filesystem) {
    return InvalidArgument("'" + pattern +
                           "': an absolute source is outside the build context; name it "
                           "relative to the context");
  }
  std::string cleaned;
  if (!CleanRelativePath(pattern, &cleaned)) {
    return InvalidArgument("'" + pattern + "' leads outside the build context");
  }
  std::vector<ContextSource> sources;
  if (!HasGlob(cleaned)) {
    ASSIGN_OR_RETURN(std::string real, ResolveInside(root, cleaned, pattern, filesystem));
    sources.push_back({cleaned, real.empty() ? root : root + "/" + real});
    return sources;
  }
  std::vector<std::string> paths;
  ListTree(root, "", &paths);
  for (const auto& path : paths) {
    if (::fnmatch(cleaned.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) != 0) continue;
    ASSIGN_OR_RETURN(std::string real, ResolveInside(root, path, pattern, filesystem));
    sources.push_back({path, root + "/" + real});
  }
  if (sources.empty()) return NotFound("no file in the build context matches '" + pattern + "'");
  return sources;
}

StatusOr<std::string> SourcesDigest(const std::vector<ContextSource>& sources,
                                    FileDigests* known) {
  Sha256 hasher;
  for (const auto& source : sources) {
    RETURN_IF_ERROR(HashTree(source.path, source.relative_path, hasher, known));
  }
  return hasher.FinishDigest();
}

}  // namespace boxcar
