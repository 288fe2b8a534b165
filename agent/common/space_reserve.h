// A few MiB of the agent's root held back in a preallocated file, so that the agent can still
// record what frees space (a removal's row, an exit code) once its filesystem is full: the
// database cannot even delete a row without new WAL pages. The file is released when a write
// fails for want of space, and made again once the filesystem has room for it and more.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/status.h"

namespace boxcar {

inline constexpr uint64_t kSpaceReserveBytes = 8ull << 20;

class SpaceReserve {
 public:
  // `path`: the reserve file, on the filesystem to keep room on (ROOT/space-reserve).
  // `warn` is told, in a sentence for the operator, when the reserve had to be released.
  SpaceReserve(std::string path, std::function<void(const std::string&)> warn,
               uint64_t bytes = kSpaceReserveBytes)
      : path_(std::move(path)), warn_(std::move(warn)), bytes_(bytes) {}

  // Makes the file (start-up); on a filesystem already too full, it stays released and
  // Replenish makes it later.
  Status Make();
  // Deletes the file, giving its space back to the filesystem. True if there was one to
  // delete: a write that failed for want of space is then worth retrying once.
  bool Release();
  // Makes the file again after a Release, when the filesystem has room for it several times
  // over (so that it does not take the last free blocks); checked at most once a second.
  void Replenish();
  bool held();
  const std::string& path() const { return path_; }

 private:
  Status MakeLocked();

  const std::string path_;
  const std::function<void(const std::string&)> warn_;
  const uint64_t bytes_;
  std::mutex mutex_;
  bool held_ = false;
  std::chrono::steady_clock::time_point last_check_{};
};

}  // namespace boxcar
