#include "shim/controlling_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "shim/pty_relay.h"
#include "shim/stdio_relay.h"

namespace boxcar {

std::string TakeContainerTerminal(int tty_socket, uid_t owner, UniqueFd* slave) {
  ContainerPty pty;
  if (std::string error = OpenContainerPty(24, 80, &pty); !error.empty()) return error;
  if (std::string error = SendDescriptor(tty_socket, pty.master.get()); !error.empty()) {
    return error;
  }
  pty.master.reset();
  // A session of our own, so that the terminal's Ctrl-C, Ctrl-Z and SIGWINCH reach our process
  // group. liblxc starts its init as a session leader already (without a terminal).
  if (::getsid(0) != ::getpid() && ::setsid() < 0) {
    return std::string("setsid for the terminal: ") + std::strerror(errno);
  }
  if (::ioctl(pty.slave.get(), TIOCSCTTY, 0) != 0) {
    return std::string("make the pty the controlling terminal: ") + std::strerror(errno);
  }
  (void)!::fchown(pty.slave.get(), owner, static_cast<gid_t>(-1));
  *slave = std::move(pty.slave);
  return "";
}

}  // namespace boxcar
