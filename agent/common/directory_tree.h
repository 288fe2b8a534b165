// Creating and removing directory trees without following symlinks or crossing mounts.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// mkdir -p; existing directories are fine.
Status MakeDirectories(const std::string& path, mode_t mode = 0755);

// Sorted entry names of a directory without "." and ".."; empty if it cannot be opened.
std::vector<std::string> ListDirectoryNames(const std::string& path);

// rm -rf that never follows symlinks and refuses to descend into another filesystem (a
// mount left inside would otherwise be emptied). A missing path is not an error.
Status RemoveTree(const std::string& path);

}  // namespace boxcar
