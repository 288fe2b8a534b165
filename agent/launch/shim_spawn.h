// posix_spawn of boxcar-shim, shared by the container and exec launchers. posix_spawn (a
// vfork underneath) is safe in the multithreaded agent; every descriptor the agent opens is
// close-on-exec, so the shim receives only what `actions` give it.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// How the spawned shim is scheduled until it says otherwise.
enum class SpawnPriority {
  kNormal,
  // SCHED_IDLE: a shim made ahead of demand (prewarmed) runs its exec and set-up only on CPU
  // time nothing else wants, never against a container start; it returns to SCHED_OTHER when
  // its spec arrives, before it clones the payload.
  kIdle,
};

// Spawns `shim_path` with `args` (args[0] is its argv[0]) and the agent's environment, every
// signal unblocked and at its default disposition whatever the calling thread had.
StatusOr<pid_t> SpawnShim(const std::string& shim_path, const std::vector<std::string>& args,
                          const posix_spawn_file_actions_t* actions,
                          SpawnPriority priority = SpawnPriority::kNormal);

// The agent <-> shim control socket, a close-on-exec stream socketpair: the agent keeps one
// end, the shim gets the other as fd 3. The error names `shim` ("boxcar-shim exec").
struct ShimSocket {
  UniqueFd agent_end;
  UniqueFd shim_end;
};
StatusOr<ShimSocket> MakeShimSocket(const std::string& shim);

}  // namespace boxcar
