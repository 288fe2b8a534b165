#include "shim/terminal_init.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/unique_fd.h"
#include "shim/controlling_terminal.h"

namespace boxcar {

namespace {

constexpr int kExitNoTerminal = 125;

int Fail(const std::string& message, int exit_code) {
  std::fprintf(stderr, "boxcar terminal init: %s\n", message.c_str());
  return exit_code;
}

}  // namespace

int RunTerminalInit(int argc, char** argv) {
  // argv: boxcar-shim terminal-init IMAGE_FD SOCKET_FD -- ARGV...
  if (argc < 6 || std::strcmp(argv[4], "--") != 0) {
    return Fail("usage: terminal-init IMAGE_FD SOCKET_FD -- ARGV...", kExitNoTerminal);
  }
  const int image_fd = std::atoi(argv[2]);
  const int tty_socket = std::atoi(argv[3]);
  char** payload_argv = argv + 5;
  (void)::fcntl(image_fd, F_SETFD, FD_CLOEXEC);
  UniqueFd slave;
  std::string error = TakeContainerTerminal(tty_socket, ::getuid(), &slave);
  ::close(tty_socket);
  if (!error.empty()) return Fail(error, kExitNoTerminal);
  for (int fd = 0; fd <= 2; ++fd) {
    if (::dup2(slave.get(), fd) < 0) {
      return Fail(std::string("dup2 the terminal: ") + std::strerror(errno), kExitNoTerminal);
    }
  }
  if (slave.get() <= 2) (void)slave.release();
  slave.reset();
  ::setenv("TERM", "xterm", 0);
  ::execvp(payload_argv[0], payload_argv);
  const int exec_errno = errno;
  return Fail(std::string("exec '") + payload_argv[0] + "': " + std::strerror(exec_errno),
              exec_errno == ENOENT ? 127 : 126);
}

}  // namespace boxcar
