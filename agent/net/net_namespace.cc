#include "net/net_namespace.h"

#include <fcntl.h>
#include <sched.h>

#include <thread>

namespace boxcar {

StatusOr<UniqueFd> OpenNetworkNamespace(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open network namespace '" + path + "'");
  return fd;
}

Status RunInNetworkNamespace(int netns_fd, const std::function<Status()>& work) {
  Status result;
  // NOTE: setns(CLONE_NEWNET) changes only the calling thread; the thread ends with it, so no
  // other work ever runs in the container's namespace by mistake.
  std::thread worker([&] {
    if (::setns(netns_fd, CLONE_NEWNET) != 0) {
      result = ErrnoStatus("setns into the container's network namespace");
      return;
    }
    result = work();
  });
  worker.join();
  return result;
}

}  // namespace boxcar
