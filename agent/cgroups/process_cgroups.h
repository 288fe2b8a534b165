// The cgroups a process with a known pid is in, as the cgroup.procs files a new process
// writes to in order to join them. Backend-neutral: the cgroups of a container's PID 1 are the
// container's, whoever made them (the chroot backend, lxc, ...).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace boxcar {

// The cgroup.procs file of every hierarchy (v1 controllers, named v1 hierarchies and cgroup2)
// in which `pid` is in another cgroup than this process: joining the cgroup one is already in
// changes nothing but would still cost a migration. Reads /proc/<pid>/cgroup,
// /proc/self/cgroup and /proc/self/mountinfo.
StatusOr<std::vector<std::string>> CgroupProcsFilesToJoin(pid_t pid);

// The same from the texts of the two cgroup files and of mountinfo (a seam for tests). A
// hierarchy that is not mounted here is left out.
std::vector<std::string> CgroupProcsFilesToJoin(std::string_view target_cgroups,
                                                std::string_view own_cgroups,
                                                std::string_view mountinfo);

}  // namespace boxcar
