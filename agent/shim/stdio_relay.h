// What a shim does from its "ok" until the payload has ended: it copies the payload's output
// (its stdout and stderr pipes, or its terminal) into the output log (shim/output_log.h), and
// for a container started with a terminal or an open stdin (LaunchSpec::tty, stdin_open) it
// accepts the agent's attach connections and relays their frames (launch/stdio_frames.h) into
// the payload's terminal or stdin pipe. The output is drained whether or not anyone is
// attached, so a payload never blocks on a full terminal, and an attach only needs to follow
// the log. A container whose log keeps nothing (--log-driver none) has the socket too: an
// attach asks for the output ('w') and the shim sends it over the connection as it reads it.
// Shared by boxcar-shim and boxcar-lxc-shim.
#pragma once

#include <sys/types.h>

#include <string>

#include "shim/output_log.h"

namespace boxcar {

struct StdioRelayFds {
  int listen_fd = -1;       // the attach socket, listening; -1: nothing to attach to
  int tty_master = -1;      // the payload's terminal; -1 without one
  int stdin_write = -1;     // write end of the payload's stdin pipe; -1 with a terminal
  int stdout_read = -1;     // read ends of the payload's stdout and stderr pipes; -1 where a
  int stderr_read = -1;     //   terminal carries all of its output
  OutputLogWriter* output_log = nullptr;  // what the pipes or the terminal carry goes here
  int payload_exited = -1;  // readable once the payload has ended (a pidfd)
  // The output is not read until a client watches it ('w', launch/stdio_frames.h) or 5 s
  // have passed, so that an agent starting a container for an attach misses none of it.
  bool output_awaits_watcher = false;
};

// Returns once the payload has ended and its output is drained (EOF on the pipes, EIO on the
// terminal: no slave is left; or quiet for a while, in case a stray process keeps one open).
void RunStdioRelay(const StdioRelayFds& fds);

// The pieces of a terminal travel between a container's init and its shim over a socketpair:
// one byte with the descriptor attached (SCM_RIGHTS). "" or what failed.
std::string SendDescriptor(int socket_fd, int fd);
// -1 (errno set) when none came.
int ReceiveDescriptor(int socket_fd);

}  // namespace boxcar
