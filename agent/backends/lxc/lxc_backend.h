// The lxc backend: liblxc starts each container, from boxcar-lxc-shim, a per-container
// supervisor that speaks boxcar-shim's protocol, so the agent drives it as it drives chroot
// containers: the agent's cgroups and limits, the shim's exit record, payloads that outlive the
// agent. LXC's monitor, the shim's child, lives inside the container's cgroups.
#pragma once

#include <mutex>

#include "backends/shim_payload_backend.h"
#include "launch/shim_launcher.h"

namespace boxcar {

class LxcBackend : public ShimPayloadBackend {
 public:
  static constexpr const char* kName = "lxc";
  static StatusOr<std::unique_ptr<Backend>> Create(const BackendConfig& config);

  explicit LxcBackend(const BackendConfig& config);

  BackendCapabilities capabilities() const override;
  // boxcar-lxc-shim is there, we are root, and the shim loads liblxc (`--check`, run until it
  // succeeds once).
  Status CheckAvailable() const override;
  StatusOr<RunningContainer> Launch(const LaunchSpec& spec, const std::string& state_dir,
                                    int* exit_code_hint) override;

 private:
  Status ProbeLiblxc() const;

  ShimLauncher launcher_;
  std::string terminal_init_path_;  // boxcar-shim (LaunchSpec::terminal_init_path)
  mutable std::mutex probe_mutex_;
  mutable bool liblxc_loads_ = false;
};

}  // namespace boxcar
