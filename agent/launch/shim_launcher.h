// Starts boxcar-shim for one container and waits for its verdict: the payload runs, or the
// reason it could not start.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

struct LaunchedProcesses {
  pid_t shim_pid = 0;
  pid_t init_pid = 0;  // the payload, PID 1 of the container
};

class ShimLauncher {
 public:
  explicit ShimLauncher(std::string shim_path) : shim_path_(std::move(shim_path)) {}

  // Spawns the shim (its stderr appended to shim_log_path), sends `spec`, and returns once
  // the payload has exec'd. A payload that cannot start gives kInvalidArgument naming the
  // command (exec failures) or kInternal (set-up failures); exit_code_hint receives the
  // conventional code (126, 127, 125).
  StatusOr<LaunchedProcesses> Launch(const LaunchSpec& spec, const std::string& shim_log_path,
                                     int* exit_code_hint) const;

  const std::string& shim_path() const { return shim_path_; }

 private:
  std::string shim_path_;
};

}  // namespace boxcar
