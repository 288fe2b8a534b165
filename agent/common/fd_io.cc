#include "common/fd_io.h"

#include <unistd.h>

#include <cerrno>

namespace boxcar {

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + what);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

StatusOr<std::string> ReadAll(int fd, const std::string& what) {
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read " + what);
    }
    if (n == 0) return content;
    content.append(buffer, static_cast<size_t>(n));
  }
}

bool FlushPending(int fd, std::string* pending) {
  while (!pending->empty()) {
    ssize_t n = ::write(fd, pending->data(), pending->size());
    if (n > 0) {
      pending->erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return true;
    } else {
      pending->clear();
      return false;
    }
  }
  return true;
}

}  // namespace boxcar
