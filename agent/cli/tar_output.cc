#include "cli/tar_output.h"

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/human_format.h"

namespace boxcar::cli {

StatusOr<TarOutput> TarOutput::Open(const std::string& command, const std::string& path) {
  if (path.empty()) {
    if (::isatty(1)) {
      return FailedPrecondition(command +
                                ": cowardly refusing to save to a terminal. Use the -o flag or "
                                "redirect");
    }
    return TarOutput("", "", 1);
  }
  std::string temp_path = path + ".partial-XXXXXX";
  int fd = ::mkstemp(temp_path.data());
  if (fd < 0) return ErrnoStatus(command + ": cannot create '" + temp_path + "'");
  ::fchmod(fd, 0644);
  return TarOutput(path, temp_path, fd);
}

TarOutput::TarOutput(TarOutput&& other) noexcept
    : path_(std::move(other.path_)), temp_path_(std::move(other.temp_path_)), fd_(other.fd_) {
  other.temp_path_.clear();
  other.fd_ = -1;
}

TarOutput::~TarOutput() {
  if (temp_path_.empty()) return;
  ::close(fd_);
  ::unlink(temp_path_.c_str());
}

Status TarOutput::Write(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus("write to '" + (path_.empty() ? "stdout" : path_) + "'");
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

Status TarOutput::Finish() {
  if (temp_path_.empty()) return OkStatus();
  if (::fsync(fd_) != 0) return ErrnoStatus("fsync '" + temp_path_ + "'");
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    return ErrnoStatus("rename '" + temp_path_ + "' to '" + path_ + "'");
  ::close(fd_);
  temp_path_.clear();
  return OkStatus();
}

void KeepLargeAllocationsInTheHeap() {
  // NOTE: each message of a tar stream (1 MiB: export's pieces) is a new allocation. Above
  // glibc's mmap threshold each is mmapped, faulted in page by page and unmapped again, and
  // freed heap above the trim threshold is handed back likewise: measured, that quadrupled
  // the CLI's CPU for an export (about 11,000 page faults per 100 MB, dear in a VM) against
  // this setting's ~2,500.
  ::mallopt(M_MMAP_THRESHOLD, 16 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

TarProgress::TarProgress(const char* verb, bool enabled)
    : verb_(verb), enabled_(enabled && ::isatty(2)), last_(std::chrono::steady_clock::now()) {}

void TarProgress::Add(uint64_t bytes) {
  bytes_ += bytes;
  if (!enabled_ || std::chrono::steady_clock::now() - last_ < std::chrono::milliseconds(100))
    return;
  last_ = std::chrono::steady_clock::now();
  std::fprintf(stderr, "\r%s  %s   ", verb_, HumanBytes(bytes_).c_str());
}

void TarProgress::Done() {
  if (enabled_) std::fprintf(stderr, "\r%s  %s   \n", verb_, HumanBytes(bytes_).c_str());
}

}  // namespace boxcar::cli
