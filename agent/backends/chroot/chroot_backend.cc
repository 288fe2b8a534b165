#include "backends/chroot/chroot_backend.h"

#include <spdlog/spdlog.h>
#include <unistd.h>


namespace boxcar {

StatusOr<std::unique_ptr<Backend>> ChrootBackend::Create(const BackendConfig& config) {
  return std::unique_ptr<Backend>(new ChrootBackend(config));
}

namespace {

// A spawned boxcar-shim waiting for its LaunchSpec.
class PrewarmedShim : public PrewarmedLauncher {
 public:
  explicit PrewarmedShim(PendingShim shim) : shim_(std::move(shim)) {}
  pid_t pid() const override { return shim_.pid(); }
  PendingShim& shim() { return shim_; }

 private:
  PendingShim shim_;
};

RunningContainer RunningFrom(const std::string& container_id, const LaunchedProcesses& launched) {
  RunningContainer running;
  running.container_id = container_id;
  running.shim_pid = launched.shim_pid;
  running.init_pid = launched.init_pid;
  return running;
}

}  // namespace

ChrootBackend::ChrootBackend(const BackendConfig& config)
    : ShimPayloadBackend(kName, config.shim_path),
      prewarm_log_path_(config.root_dir + "/prewarmed-shims.log"),
      launcher_(config.shim_path) {}

BackendCapabilities ChrootBackend::capabilities() const {
  BackendCapabilities capabilities;
  capabilities.limits = true;
  capabilities.pause = true;  // the agent freezes the container's cgroup
  capabilities.exec = true;
  capabilities.networking = true;  // the shim's network namespace, plugged in before the payload
  capabilities.survives_agent_restart = true;
  capabilities.prewarm = true;
  capabilities.userns = true;
  capabilities.terminal = true;  // the shim keeps the terminal (shim/stdio_relay.h)
  capabilities.seccomp_profile = true;  // compiled by the shim (shim/seccomp_profile.h)
  capabilities.seccomp_every_action = true;  // compiled by libseccomp in boxcar-shim
  capabilities.sysctls_in_userns = true;  // written by the payload's init, root of the userns
  capabilities.namespace_sharing = true;  // entered by the shim (shim/joined_namespaces.h)
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

StatusOr<RunningContainer> ChrootBackend::Launch(const LaunchSpec& spec,
                                                 const std::string& state_dir,
                                                 int* exit_code_hint) {
  *exit_code_hint = 125;
  ASSIGN_OR_RETURN(PendingShim shim, StartShim(state_dir + "/shim.log", SpawnPriority::kNormal));
  ASSIGN_OR_RETURN(LaunchedProcesses launched,
                   launcher_.Deliver(std::move(shim), spec, exit_code_hint));
  return RunningFrom(spec.container_id, launched);
}

StatusOr<std::unique_ptr<PrewarmedLauncher>> ChrootBackend::Prewarm() {
  ASSIGN_OR_RETURN(PendingShim shim, StartShim(prewarm_log_path_, SpawnPriority::kIdle));
  return std::unique_ptr<PrewarmedLauncher>(new PrewarmedShim(std::move(shim)));
}

StatusOr<PendingShim> ChrootBackend::StartShim(const std::string& log_path,
                                               SpawnPriority priority) {
  {
    std::lock_guard<std::mutex> lock(zygote_mutex_);
    if (!zygote_) {
      auto started = ShimZygote::Start(launcher_.shim_path(), prewarm_log_path_);
      if (started.ok()) {
        zygote_ = std::move(*started);
      } else {
        spdlog::warn("boxcar-shim zygote: {}; spawning shims", started.status().message());
      }
    }
    if (zygote_) {
      auto forked = zygote_->Fork(log_path, priority);
      if (forked.ok()) return forked;
      // Gone or broken: the next start makes a new one; this shim is spawned.
      spdlog::warn("boxcar-shim zygote {}: {}; spawning this shim", zygote_->pid(),
                   forked.status().message());
      zygote_.reset();
    }
  }
  return launcher_.Spawn(log_path, priority);
}

StatusOr<RunningContainer> ChrootBackend::LaunchPrewarmed(
    std::unique_ptr<PrewarmedLauncher> launcher, const LaunchSpec& spec,
    const std::string& state_dir, int* exit_code_hint) {
  auto* prewarmed = dynamic_cast<PrewarmedShim*>(launcher.get());
  if (prewarmed == nullptr) return Internal("chroot backend: foreign prewarmed launcher");
  ASSIGN_OR_RETURN(LaunchedProcesses launched,
                   launcher_.Deliver(std::move(prewarmed->shim()), spec, exit_code_hint));
  return RunningFrom(spec.container_id, launched);
}

}  // namespace boxcar
