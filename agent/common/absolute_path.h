// A relative path made absolute against the current directory, so that a daemon that gets the
// path (or a message that names it) sees the file the caller meant.
#pragma once

#include <unistd.h>

#include <climits>
#include <string>

namespace boxcar {

// `path` itself when empty or absolute, or when the current directory cannot be read.
inline std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

}  // namespace boxcar
