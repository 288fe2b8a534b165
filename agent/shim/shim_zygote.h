// `boxcar-shim zygote`: a shim that has already exec'd and initialised, and forks a new
// container shim for each request instead of the agent spawning (exec'ing) one. The exec of
// the static shim, glibc's start-up (cpuid probing that traps in a VM) and the compiled
// seccomp filter are paid once per zygote, not once per container.
//
// The agent starts it with a SOCK_SEQPACKET socket as fd 3. Each request is one message of
// one byte ('i': the shim is prewarmed and runs at SCHED_IDLE until its spec arrives, 'n':
// it is not) carrying two descriptors (SCM_RIGHTS): the new shim's control socket, which the
// shim gets as fd 3, and its log, which it gets as fd 2 (stdin and stdout are the zygote's
// /dev/null). The reply is one message holding the new shim's pid as an int32_t, or -errno.
// The new shim is cloned with CLONE_PARENT: it is the agent's child, as a spawned shim is, so
// the agent reaps it and gets its SIGCHLD. EOF on fd 3 (the agent closed it or died) ends the
// zygote; the shims it made live on, each tied to the agent by its own control socket.
#pragma once

#include <functional>

namespace boxcar {

// Serves requests on `request_fd` until EOF; in each new shim, runs `run_shim` and exits with
// its result. Returns the zygote's exit status.
int RunShimZygote(int request_fd, const std::function<int()>& run_shim);

}  // namespace boxcar
