#include "common/space_reserve.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

// Free space Replenish wants, in reserves, before it takes one back.
constexpr uint64_t kReplenishFactor = 4;
constexpr auto kReplenishInterval = std::chrono::seconds(1);

}  // namespace

Status SpaceReserve::Make() {
  std::lock_guard<std::mutex> lock(mutex_);
  return MakeLocked();
}

Status SpaceReserve::MakeLocked() {
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return ErrnoStatus("create the space reserve '" + path_ + "'");
  // fallocate, not a sparse size: the blocks must be the file's, to be given back later.
  if (int err = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes_)); err != 0) {
    fd.reset();
    ::unlink(path_.c_str());
    held_ = false;
    return ErrnoStatus("allocate the space reserve '" + path_ + "'", err);
  }
  held_ = true;
  return OkStatus();
}

bool SpaceReserve::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!held_) return false;
  held_ = false;
  last_check_ = std::chrono::steady_clock::now();
  if (::unlink(path_.c_str()) != 0) return false;
  if (warn_) {
    warn_("the disk is full: released the space reserve '" + path_ + "' (" +
          std::to_string(bytes_ >> 20) +
          " MiB) to go on recording; free space on the filesystem of --root (boxcar image "
          "prune, boxcar rm of unused containers, other files there)");
  }
  return true;
}

void SpaceReserve::Replenish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (held_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < kReplenishInterval) return;
  last_check_ = now;
  const std::string dir = path_.substr(0, path_.rfind('/') + 1);
  struct statvfs fs;
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0) return;
  if (static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < kReplenishFactor * bytes_) return;
  (void)MakeLocked();
}

bool SpaceReserve::held() {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_;
}

}  // namespace boxcar
