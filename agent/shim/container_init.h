// The first code that runs in a new container: cgroups, mounts, /dev, pivot_root, hostname,
// loopback, rlimits, user, working directory, then exec of the payload. Runs in the child of
// a clone() with new pid, mount, uts, ipc and network namespaces (and user namespace when
// spec.userns is enabled), whose working directory is the rootfs.
#pragma once

#include <vector>

#include "launch/launch_spec.h"
#include "shim/container_mounts.h"

namespace boxcar {

struct InitFds {
  int stdin_fd;       // /dev/null of the host
  int stdout_fd;      // payload stdout: a pipe to the shim (shim/output_log.h)
  int stderr_fd;      // payload stderr: another
  int error_pipe;     // close-on-exec; a failure message is written here before _exit
  int oom_score_adj;  // the payload's; the shim protects itself with a lower one
  // With a user namespace: one byte arrives once the shim has mapped the child's ids and put
  // it into its cgroups (EOF: the shim gave up); -1 without.
  int userns_ready;
  // lo is already up in the network namespace the payload gets (the shim's own, made and
  // brought up while it waited for a spec).
  bool loopback_up;
  // spec.mounts, prepared by the shim as host root; attached below the rootfs.
  std::vector<PreparedMount>* mounts;
  // With spec.tty: a socket to hand the terminal's master to the shim (stdio_relay.h); the
  // slave becomes the payload's controlling terminal and its stdin, stdout and stderr. -1
  // without a terminal.
  int tty_socket = -1;
};

// Brings up lo in the caller's network namespace; false (errno set) on failure.
bool BringUpLoopback();

// Never returns: execs the payload or writes "<exit code> <message>" to error_pipe and exits.
[[noreturn]] void RunContainerInit(const LaunchSpec& spec, const InitFds& fds);

}  // namespace boxcar
