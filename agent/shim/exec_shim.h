// `boxcar-shim exec`: runs one more process inside a running container and supervises it.
//
// The agent starts the shim with the process's stdin, stdout and stderr as fds 0-2 and a
// stream socket as fd 3, and writes the ExecSpec on it as one line of JSON. The shim answers
//   "ok <pid>\n"                the process runs; <pid> is its host pid
//   "error <code> <message>\n"  it could not start: 127 not found, 126 not executable,
//                               125 anything else (container gone, recycled pid, set-up)
// and, after "ok", once the process has ended (and, with a tty, its output is relayed):
//   "exit <code>\n"             its exit status, or 128 + the signal that killed it
// which is also the shim's own exit status (125-127 after an "error"). After "ok" the agent
// may send
//   "resize <rows> <cols>\n"    the terminal's new size (tty only)
//   "signal <number>\n"         a signal for the process
// and closing its end of the socket kills the process and its process group with SIGKILL.
//
// Without a tty the process gets fds 0-2 themselves and the shim keeps no copy, so the
// agent's pipes reach EOF when the process (and what it started) closes them. With a tty the
// process gets a terminal of the container's devpts on 0-2; the shim copies fd 0 into it and
// its output to fd 1, and types the terminal's EOF character when fd 0 reaches EOF.
#pragma once

namespace boxcar {

int RunExecShim(int control_fd);

}  // namespace boxcar
