// What an image operation may leave on disk, for "nothing changed" comparisons in the image
// tests: the names in layers/, tmp/ and blobs/sha256/ of an agent's root.
#pragma once

#include <string>

#include "common/directory_tree.h"

namespace boxcar::testing {

inline std::string StoreListing(const std::string& root_dir) {
  std::string listing;
  for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
    for (const auto& name : ListDirectoryNames(root_dir + dir))
      listing += std::string(dir) + "/" + name + ";";
  }
  return listing;
}

}  // namespace boxcar::testing
