// Where the cgroup hierarchies are mounted, for the tests' leak checks and clean-ups.
#pragma once

#include <string>
#include <vector>

namespace boxcar::testing {

// The mount point of every cgroup (v1) and cgroup2 file system this process sees.
std::vector<std::string> CgroupMountPoints();

}  // namespace boxcar::testing
