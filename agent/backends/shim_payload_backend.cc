#include "backends/shim_payload_backend.h"

#include "backends/payload_signal.h"

namespace boxcar {

Status ShimPayloadBackend::Signal(const RunningContainer& container, int signal) {
  return SignalPayload(container, signal);
}

StatusOr<std::unique_ptr<ExecSession>> ShimPayloadBackend::Exec(const ExecSpec& spec,
                                                                int* exit_code_hint) {
  return exec_launcher_.Start(spec, exit_code_hint);
}

}  // namespace boxcar
