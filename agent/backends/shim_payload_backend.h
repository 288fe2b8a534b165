// The part every backend whose payload boxcar-shim (or boxcar-lxc-shim) starts shares: the
// agent knows the payload's PID 1 by its host pid, so a signal goes to it through the agent's
// pidfd (payload_signal.h) and an exec goes through boxcar-shim's exec mode, which needs only
// that pid. The chroot, lxc and libvirt backends derive from it.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "backends/backend.h"

namespace boxcar {

class ShimPayloadBackend : public Backend {
 public:
  const std::string& name() const final { return name_; }
  // Through SignalPayload: a payload that is gone is not an error.
  Status Signal(const RunningContainer& container, int signal) final;
  // Through boxcar-shim's exec mode, at `shim_path`.
  StatusOr<std::unique_ptr<ExecSession>> Exec(const ExecSpec& spec, int* exit_code_hint) final;

 protected:
  ShimPayloadBackend(std::string name, std::string shim_path)
      : name_(std::move(name)), exec_launcher_(std::move(shim_path)) {}

 private:
  std::string name_;
  ExecLauncher exec_launcher_;
};

}  // namespace boxcar
