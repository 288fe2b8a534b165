#include "common/tree_size.h"

#include <ftw.h>
#include <sys/stat.h>

#include <set>
#include <utility>

namespace boxcar {

namespace {

// nftw has no user pointer: the walk's state is the calling thread's.
thread_local std::set<std::pair<dev_t, ino_t>>* seen_inodes = nullptr;
thread_local uint64_t total_bytes = 0;

int CountEntry(const char*, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_NS || type == FTW_DNR) return 0;
  if (st->st_nlink > 1 && !S_ISDIR(st->st_mode) &&
      !seen_inodes->insert({st->st_dev, st->st_ino}).second) {
    return 0;
  }
  if (!S_ISDIR(st->st_mode)) total_bytes += static_cast<uint64_t>(st->st_size);
  return 0;
}

}  // namespace

uint64_t TreeApparentSize(const std::string& path) {
  std::set<std::pair<dev_t, ino_t>> seen;
  seen_inodes = &seen;
  total_bytes = 0;
  (void)::nftw(path.c_str(), CountEntry, 32, FTW_PHYS | FTW_MOUNT);
  seen_inodes = nullptr;
  return total_bytes;
}

}  // namespace boxcar
