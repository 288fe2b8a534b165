#include "core/power_state.h"

namespace boxcar::nova {

NovaPowerState PowerStateFor(const v1::Container& container, const std::string& vm_state) {
  switch (container.state()) {
    case v1::CONTAINER_STATE_RUNNING:
      return NovaPowerState::kRunning;
    case v1::CONTAINER_STATE_PAUSED:
      return vm_state == "suspended" ? NovaPowerState::kSuspended : NovaPowerState::kPaused;
    case v1::CONTAINER_STATE_EXITED:
      // Nova has no crash lifecycle event: the STOPPED one an OOM exit sends is acted upon
      // only when get_info agrees, so a server Nova thinks is active sees SHUTDOWN.
      return container.oom_killed() && vm_state != "active" ? NovaPowerState::kCrashed
                                                            : NovaPowerState::kShutdown;
    case v1::CONTAINER_STATE_CREATED:
      return NovaPowerState::kShutdown;
    default:
      return NovaPowerState::kNoState;
  }
}

}  // namespace boxcar::nova
