// A process's start time in clock ticks since boot (/proc/<pid>/stat field 22). With the pid
// it identifies a process across agent restarts, immune to pid reuse.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "common/status.h"

namespace boxcar {

StatusOr<uint64_t> ReadProcessStartTicks(pid_t pid);

// The process `pid` that started at `start_ticks` still runs (exists and is no zombie).
bool ProcessIsRunning(pid_t pid, uint64_t start_ticks);

}  // namespace boxcar
