#include "shim/joined_namespaces.h"

#include <fcntl.h>
#include <sched.h>

#include "common/process_start_time.h"
#include "common/unique_fd.h"

namespace boxcar {

int CloneFlagOfNamespace(const std::string& type) {
  if (type == "net") return CLONE_NEWNET;
  if (type == "pid") return CLONE_NEWPID;
  if (type == "ipc") return CLONE_NEWIPC;
  if (type == "uts") return CLONE_NEWUTS;
  return 0;
}

Status EnterJoinedNamespace(const JoinedNamespace& joined) {
  if (joined.host()) return OkStatus();
  const std::string path = "/proc/" + std::to_string(joined.pid) + "/ns/" + joined.type;
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  // Checked after the open: the file opened is the namespace of the process the agent saw.
  if (!file || !ProcessIsRunning(joined.pid, joined.start_ticks)) {
    return FailedPrecondition("the container whose " + joined.type +
                              " namespace this one shares (pid " + std::to_string(joined.pid) +
                              ") is no longer running; start it first");
  }
  if (::setns(file.get(), CloneFlagOfNamespace(joined.type)) != 0) {
    return ErrnoStatus("setns to the " + joined.type + " namespace of pid " +
                       std::to_string(joined.pid));
  }
  return OkStatus();
}

}  // namespace boxcar
