// Container states -> Nova power states (nova.compute.power_state).
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::nova {

enum class NovaPowerState : int {
  kNoState = 0,
  kRunning = 1,
  kPaused = 3,
  kShutdown = 4,
  kCrashed = 6,
  kSuspended = 7,
};

// Running -> RUNNING; paused -> PAUSED, or SUSPENDED when Nova suspended the instance
// (`vm_state` "suspended": suspend freezes the container as pause does); created or exited
// -> SHUTDOWN; exited because the OOM killer struck -> CRASHED, except while Nova thinks the
// instance is active: SHUTDOWN then, so Nova acts on the STOPPED lifecycle event of the exit
// (it acts only on an event get_info agrees with, and has no crash event); once Nova stopped
// the server, its power-state sync records CRASHED.
NovaPowerState PowerStateFor(const v1::Container& container, const std::string& vm_state);

}  // namespace boxcar::nova
