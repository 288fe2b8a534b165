#include "core/output_log_chain.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "launch/output_log_files.h"

namespace boxcar {

namespace {

bool SameFile(const struct stat& info, const OutputLogFile& file) {
  return info.st_dev == file.device && info.st_ino == file.inode;
}

// A rotation that ran between two looks at the names is seen by looking again.
constexpr int kAttempts = 4;

}  // namespace

OutputLogChain::OutputLogChain(const std::string& dir, std::string name)
    : dir_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), name_(std::move(name)) {}

bool OutputLogChain::Exists() const {
  return dir_ && !OutputLogGenerations(dir_.get(), name_).empty();
}

OutputLogFile OutputLogChain::OpenGeneration(uint32_t generation) const {
  OutputLogFile file;
  if (!dir_) return file;
  file.fd.reset(::openat(dir_.get(), OutputLogGenerationName(name_, generation).c_str(),
                         O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (file.fd && ::fstat(file.fd.get(), &info) == 0) {
    file.device = info.st_dev;
    file.inode = info.st_ino;
  } else {
    file.fd.reset();
  }
  return file;
}

bool OutputLogChain::GenerationIs(uint32_t generation, const OutputLogFile& file) const {
  struct stat info {};
  return ::fstatat(dir_.get(), OutputLogGenerationName(name_, generation).c_str(), &info, 0) == 0 &&
         SameFile(info, file);
}

OutputLogFile OutputLogChain::OpenOldest() const {
  for (int attempt = 0; attempt < kAttempts && dir_; ++attempt) {
    const std::vector<uint32_t> generations = OutputLogGenerations(dir_.get(), name_);
    if (generations.empty()) break;  // no log (yet)
    for (uint32_t generation : generations) {
      if (OutputLogFile file = OpenGeneration(generation)) return file;
    }
  }
  return {};
}

OutputLogFile OutputLogChain::OpenNewest() const {
  if (OutputLogFile file = OpenGeneration(0)) return file;
  return OpenGeneration(1);
}

std::vector<OutputLogFile> OutputLogChain::OpenAllNewestFirst() const {
  std::vector<OutputLogFile> files;
  if (!dir_) return files;
  std::vector<uint32_t> generations = OutputLogGenerations(dir_.get(), name_);
  std::reverse(generations.begin(), generations.end());
  for (uint32_t generation : generations) {
    OutputLogFile file = OpenGeneration(generation);
    // A rotation meanwhile can show one file under two names: older files only.
    const bool seen = std::any_of(files.begin(), files.end(), [&](const OutputLogFile& other) {
      return other.device == file.device && other.inode == file.inode;
    });
    if (file && !seen) files.push_back(std::move(file));
  }
  return files;
}

bool OutputLogChain::IsRetired(const OutputLogFile& file) const {
  if (!dir_) return false;
  struct stat info {};
  if (::fstatat(dir_.get(), name_.c_str(), &info, 0) == 0) return !SameFile(info, file);
  // Renamed, and the next not made yet; or the log is gone with its container.
  return GenerationIs(1, file) || Exists();
}

OutputLogFile OutputLogChain::OpenNext(const OutputLogFile& file) const {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (OutputLogFile next = TryOpenNext(file)) return next;
  }
  return {};
}

OutputLogFile OutputLogChain::TryOpenNext(const OutputLogFile& file) const {
  if (!dir_) return {};
  std::vector<uint32_t> generations = OutputLogGenerations(dir_.get(), name_);
  if (generations.empty()) return {};
  // Newest first: the file only ever moves to higher generations, so a scan the same way
  // cannot pass it by; one past the listing covers a rotation meanwhile.
  const uint32_t highest = generations.front() + 1;
  uint32_t at = 0;
  bool found = false;
  for (uint32_t generation = 1; generation <= highest && !found; ++generation) {
    if (GenerationIs(generation, file)) {
      at = generation;
      found = true;
    }
  }
  if (!found) {
    // Dropped as the oldest: whatever is kept came after it.
    OutputLogFile oldest = OpenOldest();
    if (oldest && oldest.device == file.device && oldest.inode == file.inode) return {};
    return oldest;
  }
  // The next present generation below it (a crash in a rotation can leave a gap).
  for (uint32_t generation = at; generation-- > 0;) {
    OutputLogFile next = OpenGeneration(generation);
    if (!next) continue;
    // Nothing moved while we looked: this name still holds what was opened, the ones between
    // are still empty, and `file` is still where it was found.
    if (!GenerationIs(generation, next)) return {};
    for (uint32_t between = generation + 1; between < at; ++between) {
      struct stat info {};
      if (::fstatat(dir_.get(), OutputLogGenerationName(name_, between).c_str(), &info, 0) == 0)
        return {};
    }
    if (!GenerationIs(at, file)) return {};
    return next;
  }
  return {};
}

}  // namespace boxcar
