// The chroot backend: boxcar-shim clones the payload into new pid, mount, uts, ipc and net
// namespaces and pivot_roots into the snapshot. No daemon, no library: the fastest path.
#pragma once

#include <memory>
#include <mutex>

#include "backends/shim_payload_backend.h"

#include "launch/shim_launcher.h"
#include "launch/shim_zygote.h"

namespace boxcar {

class ChrootBackend : public ShimPayloadBackend {
 public:
  static constexpr const char* kName = "chroot";
  static StatusOr<std::unique_ptr<Backend>> Create(const BackendConfig& config);

  explicit ChrootBackend(const BackendConfig& config);

  BackendCapabilities capabilities() const override;
  Status CheckAvailable() const override;
  StatusOr<RunningContainer> Launch(const LaunchSpec& spec, const std::string& state_dir,
                                    int* exit_code_hint) override;
  StatusOr<std::unique_ptr<PrewarmedLauncher>> Prewarm() override;
  StatusOr<RunningContainer> LaunchPrewarmed(std::unique_ptr<PrewarmedLauncher> launcher,
                                             const LaunchSpec& spec, const std::string& state_dir,
                                             int* exit_code_hint) override;

 private:
  // A shim waiting for its spec: forked by the zygote, or spawned when there is none.
  StatusOr<PendingShim> StartShim(const std::string& log_path, SpawnPriority priority);

  std::string prewarm_log_path_;
  ShimLauncher launcher_;
  // Forks the shims (launch/shim_zygote.h); started at the first start or Prewarm, dropped
  // (and the shim spawned) when it fails.
  std::mutex zygote_mutex_;
  std::unique_ptr<ShimZygote> zygote_;
};

}  // namespace boxcar
