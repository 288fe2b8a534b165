// CPU and memory-node sets of a container (`--cpuset-cpus`, `--cpuset-mems`): lists such as
// "0-1,3", checked against what the host has online, and written to cgroup v1's cpuset
// hierarchy or to cgroup2's cpuset controller.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

inline constexpr const char* kOnlineCpusFile = "/sys/devices/system/cpu/online";
inline constexpr const char* kOnlineNodesFile = "/sys/devices/system/node/online";

// The members of a list such as "0-2,5" (the kernel's format); INVALID_ARGUMENT naming
// `field` when it is malformed or empty.
StatusOr<std::set<unsigned>> ParseCpusetList(const std::string& list, const std::string& field);

// "" passes. Else INVALID_ARGUMENT naming `field` when `list` is malformed or names a CPU
// (a memory node) that `online_file` does not list; a host without the node file has node 0
// only.
Status CheckCpusetCpus(const std::string& list, const std::string& field,
                       const std::string& online_file = kOnlineCpusFile);
Status CheckCpusetMems(const std::string& list, const std::string& field,
                       const std::string& online_file = kOnlineNodesFile);

// cgroup v1: a new cpuset cgroup has no CPUs and no nodes, and no task may join it then. Gives
// every directory from below `mount` down to `dir` (inclusive) that has none its parent's.
Status InheritV1CpusetSets(const std::string& mount, const std::string& dir);
// `dir` below the v1 cpuset hierarchy's `mount`, with whatever of its path is missing (each
// directory made is added to `created`), then InheritV1CpusetSets.
Status MakeV1CpusetDirectory(const std::string& mount, const std::string& dir,
                             std::vector<std::string>* created);

// Writes cpuset.cpus and cpuset.mems of `dir` (v1 or cgroup2: the same file names); an empty
// value is left as it is. Errors name "limits.cpuset_cpus" / "limits.cpuset_mems".
Status WriteCpusetSets(const std::string& dir, const std::string& cpus, const std::string& mems);

}  // namespace boxcar
