// Signals to a container's PID 1, for the backends whose own shim started it (chroot, lxc).
#pragma once

#include "backends/backend.h"

namespace boxcar {

// Through the pidfd the agent holds, so a recycled pid is never hit; by pid when there is none
// (after an agent restart, before the pidfd is reopened). A payload that is gone is not an error.
Status SignalPayload(const RunningContainer& container, int signal);

}  // namespace boxcar
