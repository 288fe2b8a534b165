// How the lxc shim learns that the payload runs, and its pid, while LXC's monitor (its child)
// is inside start(): it asks the monitor over LXC's command socket, as lxc-info does.
#pragma once

#include <sys/types.h>

#include <string>

namespace boxcar {

// Returns the payload's host pid once LXC reports the container RUNNING (the monitor's main
// loop, which answers, starts after the payload's exec has succeeded), or 0 as soon as
// `report_fd` (the monitor's report pipe) is readable: the monitor is done, because the payload
// never started or already ended.
pid_t WaitForRunningPayload(const std::string& name, const std::string& lxcpath, int report_fd);

}  // namespace boxcar
