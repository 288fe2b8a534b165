// Creating and removing directory trees without following symlinks or crossing mounts.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// mkdir -p; existing directories are fine.
Status MakeDirectories(const std::string& path, mode_t mode = 0755);

// Marks `path` as the top of a directory hierarchy (FS_TOPDIR_FL, `chattr +T`) where the file
// system has the flag (ext2/3/4): the directories made in it are spread over the block groups
// as top-level ones are, instead of packed into the parent's group. The agent's directories of
// short-lived entries (unpack directories, snapshots, container state) get it: ext4 without a
// journal skips, one by one, every inode of a group freed in the last minute when it allocates
// one there, so packing each new tree where the last one was deleted made an import of 4000
// files 2-3 times slower (tests/bench/RESULTS.md). Best effort: false where unsupported.
bool MarkTopDirectory(const std::string& path);

// Sorted entry names of a directory without "." and ".."; empty if it cannot be opened.
std::vector<std::string> ListDirectoryNames(const std::string& path);

// rm -rf that never follows symlinks and refuses to descend into another filesystem (a
// mount left inside would otherwise be emptied). A missing path is not an error.
Status RemoveTree(const std::string& path);

}  // namespace boxcar
