// What LXC could leave behind, for the leak checks of tests that run lxc containers.
#pragma once

#include <string>

namespace boxcar::testing {

// Every lxc.* cgroup (LXC's monitor, payload and pivot cgroups) in any mounted hierarchy.
std::string LxcCgroupsAnywhere();
// Everything below /run/lxc, sorted; "" when it does not exist.
std::string RunLxcListing(const std::string& dir = "/run/lxc");
// Running boxcar-lxc-shim processes (shims and LXC monitors) of this build.
std::string LxcShimProcesses();

}  // namespace boxcar::testing
