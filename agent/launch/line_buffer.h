// Splits what arrives on a socket or pipe into '\n'-terminated lines, keeping whatever follows
// a line for the next one: the exec protocol's "ok" and "exit" replies can arrive in one read.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace boxcar {

class LineBuffer {
 public:
  // One read(2) appended to the buffer: the byte count, 0 at EOF, -1 with errno set.
  ssize_t ReadFrom(int fd);
  // The next complete line, without its '\n', if one is buffered.
  std::optional<std::string> PopLine();
  // Reads until a line is complete; nullopt at EOF or on a read error (EINTR is retried).
  std::optional<std::string> ReadLine(int fd);
  bool HasLine() const { return buffered_.find('\n') != std::string::npos; }
  // The next line with its '\n'; with no complete line, all that is buffered (the shim's last
  // words before it died), which may be "".
  std::string TakeLineOrRest();

 private:
  std::string buffered_;
};

}  // namespace boxcar
