// An explicit --subnet that overlaps a route or an address of the host's namespace (its LAN,
// a VPN) is refused, naming --subnet and the route or link, and nothing is created: a bridge
// on it would cut the host off from those addresses. Overlap with another Boxcar network is
// refused too, naming it. The routes and addresses are added in the agent's own namespace.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

class NetworkSubnetConflictTest : public NetworkTest {
 protected:
  void InAgentNamespace(const std::string& command) {
    CommandResult ran = namespaces_->RunIn(namespaces_->agent(), command);
    ASSERT_EQ(ran.exit_code, 0) << command << ": " << ran.out;
  }
  // `network create NAME --subnet SUBNET` refused with a message holding each of `parts`,
  // and nothing of NAME left: no record, no bridge.
  void ExpectRefused(const std::string& name, const std::string& subnet,
                     const std::vector<std::string>& parts) {
    CommandResult created = agent_.Cli({"network", "create", name, "--subnet", subnet});
    EXPECT_NE(created.exit_code, 0) << created.out;
    for (const auto& part : parts) {
      EXPECT_NE(created.err.find(part), std::string::npos) << part << " not in: " << created.err;
    }
    EXPECT_NE(agent_.Cli({"network", "inspect", name}).exit_code, 0);
    CommandResult link = namespaces_->RunIn(namespaces_->agent(), "ip link show bx-" + name);
    EXPECT_NE(link.exit_code, 0) << link.out;
  }
};

TEST_F(NetworkSubnetConflictTest, SubnetOverlappingAHostRouteOrAddressIsRefused) {
  // A LAN link (a veth: this kernel may lack dummy links) and a route through a gateway.
  ASSERT_NO_FATAL_FAILURE(
      InAgentNamespace("ip link add bxt-lan type veth peer name bxt-lan-peer && "
                       "ip addr add 10.250.0.1/24 dev bxt-lan && ip link set bxt-lan up && "
                       "ip link set bxt-lan-peer up && ip route add 10.251.0.0/16 via 198.18.0.2"));
  // The LAN's subnet, a subnet inside it and one holding it.
  ExpectRefused("lan1", "10.250.0.0/24", {"--subnet", "10.250.0.0/24", "bxt-lan"});
  ExpectRefused("lan2", "10.250.0.128/25", {"--subnet", "bxt-lan"});
  ExpectRefused("lan3", "10.250.0.0/16", {"--subnet", "10.250.0.0/16", "overlaps the host's"});
  // A route through a gateway, and the link to the outside itself.
  ExpectRefused("vpn", "10.251.7.0/24", {"--subnet", "route 10.251.0.0/16 on bxt-out"});
  ExpectRefused("out", "198.18.0.0/16", {"--subnet", "bxt-out"});
  // Beside them: fine, and usable.
  CommandResult fine = agent_.Cli({"network", "create", "fine", "--subnet", "10.252.0.0/24"});
  ASSERT_EQ(fine.exit_code, 0) << fine.err;
  CommandResult run = RunRm({"--network", "fine"}, {"ip", "-o", "-4", "addr", "show", "eth0"});
  EXPECT_NE(run.out.find("10.252.0.2/24"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(agent_.Cli({"network", "rm", "fine"}).exit_code, 0);
}

TEST_F(NetworkSubnetConflictTest, SubnetOverlappingAnotherNetworkIsRefusedNamingIt) {
  // tnet unused (no bridge yet) and in use (its bridge's route is the agent's own).
  ExpectRefused("inner", "10.201.0.0/25", {"network.subnet", "overlaps network tnet"});
  CommandResult run = RunRm({"--network", "tnet"}, {"true"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectRefused("outer", "10.201.0.0/16", {"network.subnet", "overlaps network tnet"});
  // The built-in network's bridge is the agent's own too.
  CommandResult builtin = RunRm({"--network", "boxcar0"}, {"true"});
  ASSERT_EQ(builtin.exit_code, 0) << builtin.err;
  ExpectRefused("b0", "10.88.1.0/24", {"network.subnet", "overlaps network boxcar0"});
}

}  // namespace
}  // namespace boxcar::testing
