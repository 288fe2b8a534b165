// Waiting for a container's health check to reach a status, for the health check tests.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::testing {

// Polls `inspect` (the container) until its health status is `status` or `timeout` passes;
// the last record seen.
inline v1::Container WaitForHealth(const std::function<v1::Container()>& inspect,
                                   v1::HealthStatus status,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  v1::Container container = inspect();
  while (container.health().status() != status && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    container = inspect();
  }
  return container;
}

}  // namespace boxcar::testing
