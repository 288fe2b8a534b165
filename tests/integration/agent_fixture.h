// What the integration suites share: an agent of their own with the busybox image, helpers
// to run containers through the CLI and gRPC, and the leak checks after every test.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "agent_harness.h"

namespace boxcar::testing {

class AgentFixture {
 protected:
  // Starts the agent with `agent_args` (kept for RestartAgent) and imports busybox.
  void StartAgentWithBusybox(const std::vector<std::string>& agent_args);
  // Starts the agent again with the same arguments (after agent_.Stop()).
  void RestartAgent();
  // Removes every container, stops the agent and expects no mount, cgroup or shim left.
  void StopAgentAndCheckLeftovers();

  // For suites run against every backend: StartAgentWithBusybox with `backend` as the default
  // (and `extra_args`), then its capabilities for Has(); the backend must be available here.
  void StartBackendAgent(const std::string& backend, std::vector<std::string> extra_args = {});
  // StopAgentAndCheckLeftovers, and for lxc no shim, LXC cgroup or /run/lxc entry left.
  void StopBackendAgentAndCheckLeftovers();
  bool Has(const std::string& capability) const { return capabilities_.count(capability) > 0; }

  // In containers run with `run_flags`: the bounding set and seccomp of the hardening (and no
  // no_new_privs, as Docker's); mount, insmod, writes to /proc/sys and /sys, a block device, the
  // host's hostname and a new user namespace refused; the kept capabilities still working.
  void ExpectPrivilegedOperationsRefused(const std::vector<std::string>& run_flags);

  // `command` run in the running container `id` through the Exec stream, with a terminal of
  // `rows` x `columns` and `input` on stdin.
  struct TtyExecResult {
    std::string output;  // the terminal's, "\r\n" line ends
    int exit_code = -1;
  };
  TtyExecResult ExecWithTty(const std::string& id, const std::vector<std::string>& command,
                            const std::string& input = "", uint32_t rows = 24,
                            uint32_t columns = 80);

  // `boxcar run --rm busybox ARGS...` (plus flags before the image).
  CommandResult RunRm(std::vector<std::string> flags, std::vector<std::string> command);
  // `boxcar run -d busybox ARGS...`; the container's id.
  std::string RunDetached(std::vector<std::string> flags, std::vector<std::string> command);
  v1::Container Inspect(const std::string& container);
  grpc::Status Create(const v1::ContainerSpec& spec, v1::Container* created = nullptr);

  AgentHarness agent_;
  std::vector<std::string> agent_args_;
  std::string image_id_;
  std::string backend_;  // StartBackendAgent's
  std::set<std::string> capabilities_;
  std::string run_lxc_before_;
};

}  // namespace boxcar::testing
