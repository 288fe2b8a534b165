// Bridge networks created without --subnet: a free subnet of the agent's address pools (as
// Docker's default address pools), skipping the agent's networks and the routes and addresses
// of its network namespace; kept across a restart, free again after rm. And a create refused on
// the built-in network leaves no network behind. The agent runs in a namespace of the test's
// own (network_fixture.h): the routes and addresses added here are that namespace's.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

class NetworkAutoSubnetTest : public NetworkTest {
 protected:
  // `network inspect -f TEMPLATE NAME`, without its newline.
  std::string Field(const std::string& network, const std::string& field) {
    CommandResult result = agent_.Cli({"network", "inspect", "-f", "{{." + field + "}}", network});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out.substr(0, result.out.find('\n'));
  }
  void AddInAgentNamespace(const std::string& what) {
    CommandResult added = namespaces_->RunIn(namespaces_->agent(), "ip " + what);
    ASSERT_EQ(added.exit_code, 0) << added.out;
  }
  void RestartAgentWith(const std::vector<std::string>& args) {
    agent_.Stop();
    agent_args_ = args;
    RestartAgent();
  }
  int LinksNamed(const std::string& prefix) {
    CommandResult links = namespaces_->RunIn(namespaces_->agent(),
                                             "ip -o link | grep -c \": " + prefix + "\" || true");
    return links.exit_code == 0 ? std::atoi(links.out.c_str()) : -1;
  }
};

TEST_F(NetworkAutoSubnetTest, CreatesWithoutSubnetGetFreeSubnetsKeptAcrossRestartAndReusedAfterRm) {
  // An address of the agent's namespace in 172.17/16 (the first pool) takes it.
  AddInAgentNamespace("addr add 172.17.9.1/24 dev bxt-out");
  ASSERT_EQ(agent_.Cli({"network", "create", "auto1"}).exit_code, 0);
  CommandResult second = agent_.Cli({"network", "create", "auto2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "auto2\n");
  EXPECT_EQ(Field("auto1", "subnet"), "172.18.0.0/16");
  EXPECT_EQ(Field("auto1", "gateway"), "172.18.0.1");
  EXPECT_EQ(Field("auto2", "subnet"), "172.19.0.0/16");
  CommandResult listed = agent_.Cli({"network", "ls"});
  EXPECT_NE(listed.out.find("172.19.0.0/16"), std::string::npos) << listed.out;

  // Containers on them get addresses in them and reach their gateway (the bridge).
  for (const auto& [network, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"auto1", "172.18.0."}, {"auto2", "172.19.0."}}) {
    CommandResult run =
        RunRm({"--network", network}, {"sh", "-c",
                                       "ip -o -4 addr show eth0; ping -c1 -W2 " + prefix +
                                           "1 >/dev/null && echo gateway-answers"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find(prefix + "2/16"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("gateway-answers"), std::string::npos) << run.out << run.err;
  }

  // After a restart: the same subnets, and they count for the next create.
  RestartAgentWith(agent_args_);
  EXPECT_EQ(Field("auto1", "subnet"), "172.18.0.0/16");
  EXPECT_EQ(Field("auto2", "subnet"), "172.19.0.0/16");
  ASSERT_EQ(agent_.Cli({"network", "create", "auto3"}).exit_code, 0);
  EXPECT_EQ(Field("auto3", "subnet"), "172.20.0.0/16");

  // rm frees a subnet for the next create.
  ASSERT_EQ(agent_.Cli({"network", "rm", "auto1"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"network", "create", "auto4"}).exit_code, 0);
  EXPECT_EQ(Field("auto4", "subnet"), "172.18.0.0/16");

  // --gateway without --subnet: refused, naming both.
  CommandResult gateway = agent_.Cli({"network", "create", "gw", "--gateway", "10.1.0.1"});
  EXPECT_NE(gateway.exit_code, 0);
  EXPECT_NE(gateway.err.find("network.gateway: 10.1.0.1 needs network.subnet (--subnet)"),
            std::string::npos)
      << gateway.err;
  EXPECT_EQ(agent_.Cli({"network", "inspect", "gw"}).exit_code, 1);

  ASSERT_EQ(agent_.Cli({"network", "rm", "auto2", "auto3", "auto4"}).exit_code, 0);
  EXPECT_EQ(LinksNamed("bx-auto"), 0) << "bridges left";
}

TEST_F(NetworkAutoSubnetTest, ConfiguredPoolsSkipHostRoutesAndRunOut) {
  // A route (no address) over the pool's first /24.
  AddInAgentNamespace("route add 10.203.0.0/25 via 198.18.0.2");
  RestartAgentWith({"--default-address-pool", "base=10.203.0.0/23,size=24"});
  ASSERT_EQ(agent_.Cli({"network", "create", "p1"}).exit_code, 0);
  EXPECT_EQ(Field("p1", "subnet"), "10.203.1.0/24");
  CommandResult none = agent_.Cli({"network", "create", "p2"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("could not find an available, non-overlapping IPv4 address pool"),
            std::string::npos)
      << none.err;
  CommandResult names = agent_.Cli({"network", "ls", "-q"});
  EXPECT_EQ(names.out.find("p2"), std::string::npos) << names.out;
  // A subnet given may be outside the pools, but not over the host's route
  // (network_subnet_conflict_test.cc).
  CommandResult over = agent_.Cli({"network", "create", "p3", "--subnet", "10.203.0.0/24"});
  EXPECT_NE(over.exit_code, 0);
  EXPECT_NE(over.err.find("--subnet): 10.203.0.0/24 overlaps the host's route 10.203.0.0/25"),
            std::string::npos)
      << over.err;
  EXPECT_EQ(agent_.Cli({"network", "create", "p3", "--subnet", "10.203.0.128/25"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"network", "rm", "p1", "p3"}).exit_code, 0);
}

TEST_F(NetworkAutoSubnetTest, ConcurrentCreatesGetDistinctSubnets) {
  constexpr int kCreates = 6;
  std::vector<std::vector<std::string>> creates;
  for (int i = 0; i < kCreates; ++i)
    creates.push_back({"network", "create", "c" + std::to_string(i)});
  const std::vector<CommandResult> results = CliAtOnce(creates);
  std::set<std::string> subnets;
  for (int i = 0; i < kCreates; ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << results[i].err;
    subnets.insert(Field("c" + std::to_string(i), "subnet"));
  }
  EXPECT_EQ(subnets.size(), size_t{kCreates});
  for (const auto& subnet : subnets) EXPECT_EQ(subnet.rfind("172.", 0), 0u) << subnet;
  for (int i = 0; i < kCreates; ++i) {
    EXPECT_EQ(agent_.Cli({"network", "rm", "c" + std::to_string(i)}).exit_code, 0);
  }
}

TEST_F(NetworkAutoSubnetTest, RefusedCreatesOnTheBuiltinNetworkLeaveNoNetwork) {
  // boxcar0 does not exist yet: these would have made it (10.88.0.0/16) before their checks.
  CommandResult ip =
      agent_.Cli({"create", "--network", "boxcar0", "--ip", "10.99.0.5", "busybox", "true"});
  EXPECT_NE(ip.exit_code, 0);
  EXPECT_NE(ip.err.find("spec.network.ip: 10.99.0.5 is not a free host address of 10.88.0.0/16"),
            std::string::npos)
      << ip.err;
  CommandResult mac =
      RunRm({"--network", "boxcar0", "--mac-address", "01:00:5e:00:00:01"}, {"true"});
  EXPECT_NE(mac.exit_code, 0);
  EXPECT_NE(mac.err.find("spec.network.mac"), std::string::npos) << mac.err;
  auto expect_nothing = [&](const std::string& when) {
    EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << when;
    EXPECT_EQ(agent_.Cli({"network", "ls", "-q"}).out, "tnet\nhost\nnone\n") << when;
    EXPECT_EQ(LinksNamed("boxcar0"), 0) << when;
  };
  expect_nothing("after the refusals");
  EXPECT_NE(namespaces_->RunIn(namespaces_->agent(), "nft list table ip boxcar").exit_code, 0)
      << "an nftables table";
  // NOTE: a restarted agent makes its (empty) table for tnet's record; boxcar0 is not in it.
  RestartAgentWith(agent_args_);
  expect_nothing("after a restart");
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "nft list table ip boxcar").out.find("10.88."),
            std::string::npos);
  // Then the first valid use makes it, as before.
  CommandResult ok = RunRm({"--network", "boxcar0"}, {"ip", "-o", "-4", "addr", "show", "eth0"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("10.88.0.2/16"), std::string::npos) << ok.out;
  EXPECT_NE(agent_.Cli({"network", "ls", "-q"}).out.find("boxcar0"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::testing
