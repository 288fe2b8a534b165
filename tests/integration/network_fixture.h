// The fixture of the networking tests: an agent inside a network namespace of the test's own
// (tests never touch the host's network), a "remote" namespace as the outside world, a bridge
// network "tnet" (10.201.0.0/24), and the leak counts (veths, port elements, held host ports,
// conntrack entries of tnet's addresses, leases) after every test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent_fixture.h"
#include "network_namespaces.h"

namespace boxcar::testing {

class NetworkTest : public ::testing::Test, public AgentFixture {
 protected:
  static constexpr const char* kTnetPrefix = "10.201.0.";
  void SetUp() override {
    namespaces_ = std::make_unique<NetworkNamespaces>();
    ASSERT_FALSE(HasFailure());
    agent_.UseNetworkNamespace(namespaces_->agent());
    StartAgentWithBusybox({});
    ASSERT_FALSE(HasFatalFailure());
    CommandResult created =
        agent_.Cli({"network", "create", "tnet", "--subnet", "10.201.0.0/24"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  void TearDown() override {
    agent_.RemoveAllContainers();
    ExpectNoNetworkLeaks();
    StopAgentAndCheckLeftovers();
    namespaces_.reset();
  }
  // The kernel deletes a container's veth pair with its network namespace, asynchronously
  // after the payload and the shim are gone: host veths are counted after up to 5 s.
  // `count()` once it equals `expected`, or after 5 s (an exit's clean-up may still run).
  static int Settled(const std::function<int()>& count, int expected) {
    int now = count();
    for (int i = 0; i < 100 && now != expected; ++i) {
      usleep(50 * 1000);
      now = count();
    }
    return now;
  }
  int HostVethsSettled(int expected) {
    return Settled([&] { return namespaces_->HostVeths(); }, expected);
  }
  int PortElementsSettled(int expected) {
    return Settled([&] { return namespaces_->PortElements(); }, expected);
  }
  void ExpectNoNetworkLeaks() {
    EXPECT_EQ(HostVethsSettled(0), 0) << "host veths left";
    EXPECT_EQ(namespaces_->PortElements(), 0) << "published port elements left";
    EXPECT_EQ(namespaces_->HeldPorts(), 0) << "host ports still held by boxcard";
    EXPECT_EQ(Settled([&] { return namespaces_->ConntrackEntries(kTnetPrefix); }, 0), 0)
        << "non-TCP conntrack entries DNATed to tnet's containers left:\n"
        << namespaces_->ConntrackListing();
    EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0) << "address leases left";
  }
  // Waits until `url` answers from inside the agent's namespace (busybox wget on the host).
  CommandResult WgetFromAgentSide(const std::string& url) {
    CommandResult result;
    for (int attempt = 0; attempt < 50; ++attempt) {
      result = namespaces_->RunIn(namespaces_->agent(), "timeout 5 busybox wget -qO- " + url);
      if (result.exit_code == 0) break;
      usleep(100 * 1000);
    }
    return result;
  }
  // The CLI commands `commands` all at once, a thread each; their results in order.
  std::vector<CommandResult> CliAtOnce(const std::vector<std::vector<std::string>>& commands) {
    std::vector<CommandResult> results(commands.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < commands.size(); ++i) {
      threads.emplace_back(
          [this, i, &commands, &results] { results[i] = agent_.Cli(commands[i]); });
    }
    for (auto& thread : threads) thread.join();
    return results;
  }
  std::unique_ptr<NetworkNamespaces> namespaces_;
};

}  // namespace boxcar::testing
