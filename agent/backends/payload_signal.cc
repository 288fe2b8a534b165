#include "backends/payload_signal.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace boxcar {

Status SignalPayload(const RunningContainer& container, int signal) {
  int result = container.init_pidfd >= 0
                   ? static_cast<int>(
                         ::syscall(SYS_pidfd_send_signal, container.init_pidfd, signal, nullptr, 0))
                   : ::kill(container.init_pid, signal);
  if (result != 0 && errno != ESRCH) {
    return ErrnoStatus("signal " + std::to_string(signal) + " to container " +
                       container.container_id);
  }
  return OkStatus();
}

}  // namespace boxcar
