#include "shim/pty_relay.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_io.h"

namespace boxcar {

namespace {

constexpr unsigned kPtmxMajor = 5;  // TTYAUX_MAJOR
constexpr unsigned kPtmxMinor = 2;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string OpenContainerPty(uint16_t rows, uint16_t cols, ContainerPty* pty) {
  pty->master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty->master) return Errno("open the container's /dev/ptmx");
  struct stat st;
  if (::fstat(pty->master.get(), &st) != 0) return Errno("stat the container's /dev/ptmx");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != kPtmxMajor || minor(st.st_rdev) != kPtmxMinor) {
    return "the container's /dev/ptmx is not the pty multiplexer";
  }
  int unlock = 0;
  if (::ioctl(pty->master.get(), TIOCSPTLCK, &unlock) != 0) return Errno("unlock the pty");
  if (rows != 0 && cols != 0) {
    if (std::string error = ResizePty(pty->master.get(), rows, cols); !error.empty()) return error;
  }
  pty->slave.reset(::ioctl(pty->master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty->slave) return Errno("open the pty's slave");
  return "";
}

std::string ResizePty(int master, uint16_t rows, uint16_t cols) {
  struct winsize size {};
  size.ws_row = rows;
  size.ws_col = cols;
  if (::ioctl(master, TIOCSWINSZ, &size) != 0) return Errno("resize the pty");
  return "";
}

std::string PtyEndOfInput(int master, bool at_line_start) {
  struct termios settings;
  if (::tcgetattr(master, &settings) != 0 || !(settings.c_lflag & ICANON)) return "";
  std::string eof(1, static_cast<char>(settings.c_cc[VEOF]));
  return at_line_start ? eof : eof + eof;
}

struct pollfd ByteRelay::PollEntry() const {
  if (sink_broken_) return {-1, 0, 0};
  if (!pending_.empty()) return {to_, POLLOUT, 0};
  if (!source_done_) return {from_, POLLIN, 0};
  return {-1, 0, 0};
}

void ByteRelay::Transfer() {
  if (pending_.empty() && !source_done_) {
    char chunk[16384];
    ssize_t n = ::read(from_, chunk, sizeof chunk);
    if (n > 0) {
      pending_.assign(chunk, static_cast<size_t>(n));
      at_line_start_ = chunk[n - 1] == '\n';
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      source_done_ = true;
    }
  }
  if (!sink_broken_ && !FlushPending(to_, &pending_)) sink_broken_ = true;
}

}  // namespace boxcar
