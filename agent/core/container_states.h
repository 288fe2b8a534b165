// Container states as the service reasons about them.
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

// The payload runs (possibly frozen): its shim is alive and watched.
inline bool IsLive(v1::ContainerState state) {
  return state == v1::CONTAINER_STATE_RUNNING || state == v1::CONTAINER_STATE_PAUSED;
}

// The refusal of a call that needs the payload running, saying how to start it.
inline Status NotRunning(const std::string& name) {
  return FailedPrecondition("container: " + name +
                            " is not running; start it first (boxcar start " + name + ")");
}

}  // namespace boxcar
