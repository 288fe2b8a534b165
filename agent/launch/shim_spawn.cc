#include "launch/shim_spawn.h"

#include <sched.h>
#include <signal.h>

extern char** environ;

namespace boxcar {

StatusOr<pid_t> SpawnShim(const std::string& shim_path, const std::vector<std::string>& args,
                          const posix_spawn_file_actions_t* actions, SpawnPriority priority) {
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  sigset_t default_signals;
  sigfillset(&default_signals);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (priority == SpawnPriority::kIdle) {
    struct sched_param no_priority {};
    posix_spawnattr_setschedpolicy(&attributes, SCHED_IDLE);
    posix_spawnattr_setschedparam(&attributes, &no_priority);
    flags |= POSIX_SPAWN_SETSCHEDULER;
  }
  posix_spawnattr_setflags(&attributes, flags);

  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t shim_pid = 0;
  int spawn_error =
      ::posix_spawn(&shim_pid, shim_path.c_str(), actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) {
    return ErrnoStatus("spawn '" + shim_path + "' (set --shim-path)", spawn_error);
  }
  return shim_pid;
}

}  // namespace boxcar
