// `boxcar-shim terminal-init SOCKET_FD -- ARGV...`: how a payload of the lxc backend gets a
// controlling terminal. liblxc starts its container's init in a session of its own without
// one (and offers no way to give it one), so with a terminal boxcar-lxc-shim has liblxc exec
// this first, inside the container (its root, namespaces, user, capabilities and seccomp
// filter already in place): it takes the container's terminal (shim/controlling_terminal.h),
// sending the master to boxcar-lxc-shim over SOCKET_FD, and execs ARGV on it as the same
// process. Any other inherited descriptor is left as it is.
#pragma once

namespace boxcar {

// Execs the payload, or reports on stderr and returns 125 (no terminal), 126 or 127 (exec
// failed, as a shell would say).
int RunTerminalInit(int argc, char** argv);

}  // namespace boxcar
