#include "backends/lxc/lxc_backend.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd_io.h"
#include "common/unique_fd.h"

extern char** environ;

namespace boxcar {

StatusOr<std::unique_ptr<Backend>> LxcBackend::Create(const BackendConfig& config) {
  return std::unique_ptr<Backend>(new LxcBackend(config));
}

LxcBackend::LxcBackend(const BackendConfig& config)
    : ShimPayloadBackend(kName, config.shim_path),
      launcher_(config.lxc_shim_path),
      terminal_init_path_(config.shim_path) {}

BackendCapabilities LxcBackend::capabilities() const {
  BackendCapabilities capabilities;
  capabilities.limits = true;
  capabilities.pause = true;  // the agent freezes the container's cgroup, LXC's monitor included
  capabilities.exec = true;
  capabilities.networking = true;  // the shim's network namespace, plugged in before the payload
  capabilities.survives_agent_restart = true;
  capabilities.userns = true;
  capabilities.terminal = true;  // the shim keeps the terminal (shim/stdio_relay.h)
  // Said in LXC's policy language (lxc_shim/lxc_seccomp_policy.h), which lacks SCMP_ACT_LOG,
  // _TRACE and _KILL_PROCESS: no seccomp_every_action.
  capabilities.seccomp_profile = true;
  // NOTE: no sysctls_in_userns: boxcar-lxc-shim writes sysctls in namespaces of its own, which
  // a user-namespaced payload does not share (LXC makes its network namespace).
  // The network namespace entered by boxcar-lxc-shim, the others by liblxc
  // (lxc.namespace.share.*).
  capabilities.namespace_sharing = true;
  // LXC's monitor: the payload's parent, born in the container's cgroups before the payload.
  capabilities.helper_processes_in_cgroup = 1;
  return capabilities;
}

Status LxcBackend::CheckAvailable() const {
  if (::access(launcher_.shim_path().c_str(), X_OK) != 0) {
    return ErrnoStatus("lxc backend needs boxcar-lxc-shim at '" + launcher_.shim_path() +
                       "' (install it or pass --lxc-shim-path)");
  }
  if (::geteuid() != 0) return Unavailable("lxc backend needs root to start containers");
  return ProbeLiblxc();
}

Status LxcBackend::ProbeLiblxc() const {
  std::lock_guard<std::mutex> lock(probe_mutex_);
  if (liblxc_loads_) return OkStatus();
  int output[2];
  if (::pipe2(output, O_CLOEXEC) != 0) return ErrnoStatus("pipe for boxcar-lxc-shim --check");
  UniqueFd read_end(output[0]);
  UniqueFd write_end(output[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
  char* argv[] = {const_cast<char*>(launcher_.shim_path().c_str()), const_cast<char*>("--check"),
                  nullptr};
  pid_t pid = 0;
  int spawn_error = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) return ErrnoStatus("spawn '" + launcher_.shim_path() + "'", spawn_error);
  write_end.reset();
  auto said = ReadAll(read_end.get(), "boxcar-lxc-shim --check");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string text = said.ok() ? *said : "";
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return Unavailable("lxc backend: '" + launcher_.shim_path() +
                       " --check' failed (is liblxc installed?): " + text);
  }
  liblxc_loads_ = true;
  return OkStatus();
}

StatusOr<RunningContainer> LxcBackend::Launch(const LaunchSpec& spec, const std::string& state_dir,
                                              int* exit_code_hint) {
  LaunchSpec lxc_spec = spec;
  if (spec.tty) lxc_spec.terminal_init_path = terminal_init_path_;
  ASSIGN_OR_RETURN(LaunchedProcesses launched,
                   launcher_.Launch(lxc_spec, state_dir + "/shim.log", exit_code_hint));
  RunningContainer running;
  running.container_id = spec.container_id;
  running.shim_pid = launched.shim_pid;
  running.init_pid = launched.init_pid;
  return running;
}

}  // namespace boxcar
