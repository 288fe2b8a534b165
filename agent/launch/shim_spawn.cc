#include "launch/shim_spawn.h"

#include <sched.h>
#include <signal.h>
#include <sys/socket.h>

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
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // glibc's posix_spawnattr_setschedpolicy takes no SCHED_IDLE; the child inherits the
  // policy of the calling thread instead, which waits (vfork) until the child has exec'd.
  const int thread_policy = ::sched_getscheduler(0);
  struct sched_param thread_param {};
  ::sched_getparam(0, &thread_param);
  struct sched_param no_priority {};
  const bool idle = priority == SpawnPriority::kIdle && thread_policy >= 0 &&
                    ::sched_setscheduler(0, SCHED_IDLE, &no_priority) == 0;
  pid_t shim_pid = 0;
  int spawn_error =
      ::posix_spawn(&shim_pid, shim_path.c_str(), actions, &attributes, argv.data(), environ);
  if (idle) ::sched_setscheduler(0, thread_policy, &thread_param);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) {
    return ErrnoStatus("spawn '" + shim_path + "' (set --shim-path)", spawn_error);
  }
  return shim_pid;
}

StatusOr<ShimSocket> MakeShimSocket(const std::string& shim) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    return ErrnoStatus("socketpair for " + shim);
  }
  return ShimSocket{UniqueFd(sockets[0]), UniqueFd(sockets[1])};
}

}  // namespace boxcar
