// What a test process killed midway (ctest's timeout, a crash) leaves behind, since its
// harnesses' destructors never ran: its boxcard agents, their containers and prewarmed shims,
// the mounts under its work directories, its cgroup parents and its network namespaces. The
// next test process's first AgentHarness removes all of that, so one killed test does not
// fail the leak checks of every test after it.
#pragma once

#include <string>

namespace boxcar::testing {

// Records this process (pid and start time) as the owner of the work directory `dir`.
void MarkOwnedByThisProcess(const std::string& dir);

// Ends and removes what test processes that no longer run left: /tmp/boxcar-it-* directories
// whose owner is gone (the agents whose --root is inside, the processes and mounts under
// them), the cgroup parents boxcar-it-<pid>-<n> and boxcar-it-shared-<pid> and the network
// namespaces bxt-[ar]-<pid>-<n> of a pid that is gone. State of a test that still runs is
// never touched. Returns what was removed, one line each ("" when nothing was left).
std::string RemoveDeadTestsLeftovers();

}  // namespace boxcar::testing
