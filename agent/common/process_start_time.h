// A process's start time in clock ticks since boot (/proc/<pid>/stat field 22). With the pid
// it identifies a process across agent restarts, immune to pid reuse.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "common/status.h"

namespace boxcar {

StatusOr<uint64_t> ReadProcessStartTicks(pid_t pid);

}  // namespace boxcar
