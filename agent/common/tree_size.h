// The size of a directory tree as Docker counts a container's writable layer or a volume
// (`docker system df`, `ps -s`): the apparent sizes (st_size) of its files and symlinks, each inode
// once (hard links), not crossing into other filesystems (a mount below it).
#pragma once

#include <cstdint>
#include <string>

namespace boxcar {

// 0 for a path that does not exist; entries that vanish during the walk are skipped.
uint64_t TreeApparentSize(const std::string& path);

}  // namespace boxcar
