#include "lxc_shim/lxc_payload_watch.h"

#include <lxc/lxccontainer.h>
#include <poll.h>

#include <cstring>
#include <ctime>

namespace boxcar {

namespace {

// While the monitor has not yet created its command socket, state() answers STOPPED at once;
// afterwards it blocks until the monitor's main loop answers. So only the first ~3 ms poll.
constexpr long kPollNanoseconds = 200 * 1000;

bool MonitorIsDone(int report_fd) {
  struct pollfd report = {report_fd, POLLIN, 0};
  struct timespec wait = {0, kPollNanoseconds};
  return ::ppoll(&report, 1, &wait, nullptr) > 0;
}

}  // namespace

pid_t WaitForRunningPayload(const std::string& name, const std::string& lxcpath, int report_fd) {
  struct lxc_container* container = ::lxc_container_new(name.c_str(), lxcpath.c_str());
  pid_t pid = 0;
  while (container != nullptr && !MonitorIsDone(report_fd)) {
    const char* state = container->state(container);
    if (state != nullptr && std::strcmp(state, "RUNNING") == 0) {
      pid = container->init_pid(container);
      if (pid > 0) break;
      pid = 0;  // it ended meanwhile: the report will say so
    }
  }
  if (container != nullptr) ::lxc_container_put(container);
  return pid;
}

}  // namespace boxcar
