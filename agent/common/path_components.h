// The components of a '/'-separated path, for code that walks a path one component at a time
// (openat2-free resolution in the shim, `cp`'s tar extraction, the build context's globbing).
// Header-only: the CLI links a few of common/'s files only.
#pragma once

#include <string>
#include <vector>

namespace boxcar {

// "a//./b/../c/" -> {"a", "b", "..", "c"}: empty and "." components dropped, ".." kept for the
// caller to refuse or resolve.
inline std::vector<std::string> PathComponents(const std::string& path) {
  std::vector<std::string> components;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      std::string component = path.substr(start, end - start);
      if (component != ".") components.push_back(std::move(component));
    }
    start = end + 1;
  }
  return components;
}

}  // namespace boxcar
