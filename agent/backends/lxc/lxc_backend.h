// The lxc backend: liblxc starts each container, from boxcar-lxc-shim, a per-container
// supervisor that speaks boxcar-shim's protocol, so the agent drives it as it drives chroot
// containers: the agent's cgroups and limits, the shim's exit record, payloads that outlive the
// agent. LXC's monitor, the shim's child, lives inside the container's cgroups.
#pragma once

#include <mutex>

#include "backends/backend.h"
#include "launch/shim_launcher.h"

namespace boxcar {

class LxcBackend : public Backend {
 public:
  static constexpr const char* kName = "lxc";
  static StatusOr<std::unique_ptr<Backend>> Create(const BackendConfig& config);

  explicit LxcBackend(const BackendConfig& config);

  const std::string& name() const override { return name_; }
  BackendCapabilities capabilities() const override;
  // boxcar-lxc-shim is there, we are root, and the shim loads liblxc (`--check`, run until it
  // succeeds once).
  Status CheckAvailable() const override;
  StatusOr<RunningContainer> Launch(const LaunchSpec& spec, const std::string& state_dir,
                                    int* exit_code_hint) override;
  Status Signal(const RunningContainer& container, int signal) override;
  // Through boxcar-shim's exec mode, as chroot: it needs only the payload's pid.
  StatusOr<std::unique_ptr<ExecSession>> Exec(const ExecSpec& spec, int* exit_code_hint) override;

 private:
  Status ProbeLiblxc() const;

  std::string name_ = kName;
  ShimLauncher launcher_;
  ExecLauncher exec_launcher_;
  mutable std::mutex probe_mutex_;
  mutable bool liblxc_loads_ = false;
};

}  // namespace boxcar
