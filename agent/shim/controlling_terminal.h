// A container payload's terminal, as `docker run -t` gives it: a pty of the container's own
// devpts (its /dev/ptmx, opened by a process already inside the container, so the payload sees
// /dev/pts/N of its container), whose master goes to the shim over a socket (SendDescriptor,
// stdio_relay.h) and whose slave becomes the process's controlling terminal: the line
// discipline then signals the foreground job (Ctrl-C, Ctrl-Z), and /dev/tty is the terminal.
// Shared by boxcar-shim's container init and the lxc backend's terminal init.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/unique_fd.h"

namespace boxcar {

// Opens the pty (24x80 until the agent resizes it), sends its master over `tty_socket`, makes
// the slave the caller's controlling terminal in a session of its own (made unless the caller
// already leads one), owned by `owner`. Returns "" and the slave in `*slave`, or what failed.
std::string TakeContainerTerminal(int tty_socket, uid_t owner, UniqueFd* slave);

}  // namespace boxcar
