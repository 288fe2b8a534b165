// Container states as the service reasons about them.
#pragma once

#include "boxcar/v1/containers.pb.h"

namespace boxcar {

// The payload runs (possibly frozen): its shim is alive and watched.
inline bool IsLive(v1::ContainerState state) {
  return state == v1::CONTAINER_STATE_RUNNING || state == v1::CONTAINER_STATE_PAUSED;
}

}  // namespace boxcar
