#include "backends/chroot/chroot_backend.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace boxcar {

StatusOr<std::unique_ptr<Backend>> ChrootBackend::Create(const BackendConfig& config) {
  return std::unique_ptr<Backend>(new ChrootBackend(config));
}

ChrootBackend::ChrootBackend(const BackendConfig& config) : launcher_(config.shim_path) {}

BackendCapabilities ChrootBackend::capabilities() const {
  BackendCapabilities capabilities;
  capabilities.limits = true;
  capabilities.survives_agent_restart = true;
  return capabilities;
}

Status ChrootBackend::CheckAvailable() const {
  if (::access(launcher_.shim_path().c_str(), X_OK) != 0) {
    return ErrnoStatus("chroot backend needs boxcar-shim at '" + launcher_.shim_path() +
                       "' (install it or pass --shim-path)");
  }
  if (::geteuid() != 0) return Unavailable("chroot backend needs root to create namespaces");
  return OkStatus();
}

StatusOr<RunningContainer> ChrootBackend::Launch(const LaunchSpec& spec, const std::string& state_dir,
                                                 int* exit_code_hint) {
  ASSIGN_OR_RETURN(LaunchedProcesses launched,
                   launcher_.Launch(spec, state_dir + "/shim.log", exit_code_hint));
  RunningContainer running;
  running.container_id = spec.container_id;
  running.shim_pid = launched.shim_pid;
  running.init_pid = launched.init_pid;
  return running;
}

Status ChrootBackend::Signal(const RunningContainer& container, int signal) {
  int result = container.init_pidfd >= 0
                   ? static_cast<int>(::syscall(SYS_pidfd_send_signal, container.init_pidfd, signal, nullptr, 0))
                   : ::kill(container.init_pid, signal);
  if (result != 0 && errno != ESRCH) {
    return ErrnoStatus("signal " + std::to_string(signal) + " to container " + container.container_id);
  }
  return OkStatus();
}

}  // namespace boxcar
