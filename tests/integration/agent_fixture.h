// What the integration suites share: an agent of their own with the busybox image, helpers
// to run containers through the CLI and gRPC, and the leak checks after every test.
#pragma once

#include <gtest/gtest.h>

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

  // `boxcar run --rm busybox ARGS...` (plus flags before the image).
  CommandResult RunRm(std::vector<std::string> flags, std::vector<std::string> command);
  // `boxcar run -d busybox ARGS...`; the container's id.
  std::string RunDetached(std::vector<std::string> flags, std::vector<std::string> command);
  v1::Container Inspect(const std::string& container);
  grpc::Status Create(const v1::ContainerSpec& spec, v1::Container* created = nullptr);

  AgentHarness agent_;
  std::vector<std::string> agent_args_;
  std::string image_id_;
};

}  // namespace boxcar::testing
