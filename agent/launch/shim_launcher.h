// Starts boxcar-shim for one container and waits for its verdict: the payload runs, or the
// reason it could not start.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/launch_spec.h"
#include "launch/shim_spawn.h"

namespace boxcar {

struct LaunchedProcesses {
  pid_t shim_pid = 0;
  pid_t init_pid = 0;  // the payload, PID 1 of the container
};

// A boxcar-shim that has started but has not yet been told what to run. Dropped unused, it
// closes the shim's socket (the shim then exits) and reaps it.
class PendingShim {
 public:
  PendingShim(pid_t pid, UniqueFd socket) : pid_(pid), socket_(std::move(socket)) {}
  PendingShim(PendingShim&& other) noexcept
      : pid_(std::exchange(other.pid_, 0)), socket_(std::move(other.socket_)) {}
  PendingShim& operator=(PendingShim&&) = delete;
  ~PendingShim();
  pid_t pid() const { return pid_; }

 private:
  friend class ShimLauncher;
  pid_t pid_;
  UniqueFd socket_;
};

class ShimLauncher {
 public:
  // Starts a shim that waits for its LaunchSpec; its stderr goes to `shim_log_path` until the
  // spec names the container's own log. A prewarmed one is spawned at SpawnPriority::kIdle.
  StatusOr<PendingShim> Spawn(const std::string& shim_log_path,
                              SpawnPriority priority = SpawnPriority::kNormal) const;
  // Sends `spec` to a spawned shim and waits for the verdict, as Launch().
  StatusOr<LaunchedProcesses> Deliver(PendingShim shim, const LaunchSpec& spec,
                                      int* exit_code_hint) const;

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
