#include "launch/line_buffer.h"

#include <unistd.h>

#include <cerrno>

namespace boxcar {

ssize_t LineBuffer::ReadFrom(int fd) {
  char chunk[4096];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n > 0) buffered_.append(chunk, static_cast<size_t>(n));
  return n;
}

std::optional<std::string> LineBuffer::PopLine() {
  auto newline = buffered_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = buffered_.substr(0, newline);
  buffered_.erase(0, newline + 1);
  return line;
}

std::string LineBuffer::TakeLineOrRest() {
  auto newline = buffered_.find('\n');
  std::string line = buffered_.substr(0, newline == std::string::npos ? newline : newline + 1);
  buffered_.erase(0, line.size());
  return line;
}

std::optional<std::string> LineBuffer::ReadLine(int fd) {
  for (;;) {
    if (auto line = PopLine()) return line;
    ssize_t n = ReadFrom(fd);
    if (n == 0 || (n < 0 && errno != EINTR)) return std::nullopt;
  }
}

}  // namespace boxcar
