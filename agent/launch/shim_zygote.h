// The agent's handle on a `boxcar-shim zygote` (shim/shim_zygote.h): prewarmed shims are
// forked by it rather than spawned, which spares each one the exec of the static shim and
// glibc's start-up. A forked shim is the agent's child like a spawned one (CLONE_PARENT), so
// PendingShim reaps it the same way. Not thread-safe: one caller at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/shim_launcher.h"
#include "launch/shim_spawn.h"

namespace boxcar {

class ShimZygote {
 public:
  // Spawns `shim_path zygote`, its stderr appended to `log_path`.
  static StatusOr<std::unique_ptr<ShimZygote>> Start(const std::string& shim_path,
                                                      const std::string& log_path);
  // A zygote already running as `pid`, our child, with `socket` as its request socket.
  ShimZygote(pid_t pid, UniqueFd socket) : pid_(pid), socket_(std::move(socket)) {}
  ShimZygote(const ShimZygote&) = delete;
  ShimZygote& operator=(const ShimZygote&) = delete;
  // Closes the request socket, so the zygote exits, and reaps it. Its shims live on.
  ~ShimZygote();

  // A new shim waiting for its LaunchSpec, its stderr appended to `shim_log_path`, scheduled
  // as a shim spawned with `priority` would be. A failure means the zygote is gone or broken:
  // drop it and spawn instead.
  StatusOr<PendingShim> Fork(const std::string& shim_log_path,
                             SpawnPriority priority = SpawnPriority::kNormal);

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
  UniqueFd socket_;
};

}  // namespace boxcar
