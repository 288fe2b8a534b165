// Writes a container's kernel parameters (LaunchSpec::sysctls) from inside its namespaces: the
// IPC and message-queue parameters of the writer's IPC namespace and the net.* ones of its
// network namespace, whatever /proc the files are reached through.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// Each "KEY=VALUE" in order, under `proc_sys_dir` ("/proc/sys"); the first failure names the
// key and the file ("sysctl net.ipv4.conf.eth9.rp_filter: open '/proc/sys/...': No such
// file or directory").
Status WriteNamespacedSysctls(const std::vector<std::string>& settings,
                              const std::string& proc_sys_dir);

}  // namespace boxcar
