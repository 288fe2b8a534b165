// Running netlink work inside another network namespace: on a short-lived thread of its own
// that setns()es there, so the agent's other threads never change namespace.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// /proc/<pid>/ns/net, opened; `pid` names the process whose namespace it is.
StatusOr<UniqueFd> OpenNetworkNamespace(pid_t pid);
// Runs `work` on a thread inside the network namespace `netns_fd`; its status.
Status RunInNetworkNamespace(int netns_fd, const std::function<Status()>& work);

}  // namespace boxcar
