// `network connect` / `disconnect` of a running container (a second bridge network as eth1,
// plugged hot), kept over restarts of the container and of the agent, and its errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

const char kEth1Address[] = "ip -o -4 addr show eth1 | awk '{print $4}'";

class NetworkConnectTest : public NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    CommandResult created =
        agent_.Cli({"network", "create", "tnet2", "--subnet", "10.202.0.0/24"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    RunDetached({"--network", "tnet2", "--name", "peer", "--ip", "10.202.0.7"}, {"sleep", "600"});
    RunDetached({"--network", "tnet", "--name", "app"}, {"sleep", "600"});
  }
  CommandResult InApp(const std::string& script) {
    return agent_.Cli({"exec", "app", "sh", "-c", script});
  }
  int Leases() { return NetworkNamespaces::Leases(agent_.root_dir()); }
};

TEST_F(NetworkConnectTest, RunningContainerGetsEth1PingsByNameAndDisconnects) {
  ASSERT_EQ(HostVethsSettled(2), 2);
  CommandResult connected = agent_.Cli({"network", "connect", "tnet2", "app"});
  ASSERT_EQ(connected.exit_code, 0) << connected.err;
  EXPECT_EQ(InApp(kEth1Address).out, "10.202.0.2/24\n");
  EXPECT_EQ(InApp("ip -o -4 addr show eth0 | awk '{print $4}'").out, "10.201.0.2/24\n");
  CommandResult ping = InApp("ping -c1 -W2 peer >/dev/null && echo pinged");
  EXPECT_EQ(ping.out, "pinged\n") << ping.err;
  // Both sides' hosts files know the other.
  EXPECT_NE(agent_.Cli({"exec", "peer", "cat", "/etc/hosts"}).out.find("10.202.0.2\tapp"),
            std::string::npos)
      << agent_.Cli({"exec", "peer", "cat", "/etc/hosts"}).out;
  EXPECT_EQ(agent_.Cli({"exec", "peer", "sh", "-c", "ping -c1 -W2 app >/dev/null && echo pinged"})
                .out,
            "pinged\n");
  EXPECT_EQ(Leases(), 3);
  EXPECT_EQ(HostVethsSettled(3), 3);
  CommandResult inspected = agent_.Cli({"network", "inspect", "tnet2"});
  EXPECT_NE(inspected.out.find("\"ip\": \"10.202.0.2\""), std::string::npos) << inspected.out;
  ASSERT_EQ(Inspect("app").interfaces_size(), 1);
  EXPECT_EQ(Inspect("app").interfaces(0).network(), "tnet2");

  ASSERT_EQ(agent_.Cli({"network", "disconnect", "tnet2", "app"}).exit_code, 0);
  EXPECT_NE(InApp("ip link show eth1").exit_code, 0) << "eth1 is gone";
  EXPECT_EQ(InApp("ip -o -4 addr show eth0 | wc -l").out, "1\n") << "eth0 stays";
  EXPECT_EQ(Leases(), 2);
  EXPECT_EQ(HostVethsSettled(2), 2);
  EXPECT_EQ(agent_.Cli({"exec", "peer", "cat", "/etc/hosts"}).out.find("app"), std::string::npos);
  EXPECT_EQ(Inspect("app").interfaces_size(), 0);
  // And again, hot, after the disconnect.
  ASSERT_EQ(agent_.Cli({"network", "connect", "tnet2", "app", "--ip", "10.202.0.20"}).exit_code, 0);
  EXPECT_EQ(InApp(kEth1Address).out, "10.202.0.20/24\n");
}

TEST_F(NetworkConnectTest, ARestartOfTheContainerAndKillNineOfTheAgentKeepTheConnection) {
  ASSERT_EQ(agent_.Cli({"network", "connect", "tnet2", "app", "--ip", "10.202.0.9"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"restart", "-t", "1", "app"}).exit_code, 0);
  EXPECT_EQ(InApp(kEth1Address).out, "10.202.0.9/24\n");
  EXPECT_EQ(InApp("ping -c1 -W2 peer >/dev/null && echo pinged").out, "pinged\n");
  EXPECT_NE(agent_.Cli({"exec", "peer", "cat", "/etc/hosts"}).out.find("10.202.0.9\tapp"),
            std::string::npos);
  EXPECT_EQ(HostVethsSettled(3), 3);

  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Leases(), 3);
  EXPECT_EQ(InApp(kEth1Address).out, "10.202.0.9/24\n");
  EXPECT_EQ(InApp("ping -c1 -W2 peer >/dev/null && echo pinged").out, "pinged\n");
  // The recovered agent knows the connection: a new container of tnet2 is in app's hosts.
  RunDetached({"--network", "tnet2", "--name", "late"}, {"sleep", "600"});
  EXPECT_EQ(InApp("ping -c1 -W2 late >/dev/null && echo pinged").out, "pinged\n");
  ASSERT_EQ(agent_.Cli({"network", "disconnect", "tnet2", "app"}).exit_code, 0);
  EXPECT_EQ(Leases(), 3) << "app's two leases went to one, late has one";
  // rm of a connected container leaves no lease and no veth (TearDown counts them).
  ASSERT_EQ(agent_.Cli({"network", "connect", "tnet2", "app"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "-f", "app"}).exit_code, 0);
  EXPECT_EQ(Leases(), 2);
}

TEST_F(NetworkConnectTest, ConnectErrorsNameTheFieldAndChangeNothing) {
  CommandResult unknown = agent_.Cli({"network", "connect", "nosuch", "app"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("network: no network 'nosuch'"), std::string::npos) << unknown.err;
  CommandResult again = agent_.Cli({"network", "connect", "tnet", "app"});
  EXPECT_NE(again.err.find("network: container app is already on tnet"), std::string::npos)
      << again.err;
  CommandResult outside = agent_.Cli({"network", "connect", "tnet2", "app", "--ip", "10.9.9.9"});
  EXPECT_NE(outside.err.find("ip: 10.9.9.9 is not a free host address of 10.202.0.0/24"),
            std::string::npos)
      << outside.err;
  CommandResult taken = agent_.Cli({"network", "connect", "tnet2", "app", "--ip", "10.202.0.7"});
  EXPECT_NE(taken.err.find("ip: 10.202.0.7 is leased to another container"), std::string::npos)
      << taken.err;
  CommandResult garbage = agent_.Cli({"network", "connect", "tnet2", "app", "--ip", "x"});
  EXPECT_NE(garbage.err.find("ip:"), std::string::npos) << garbage.err;
  // The same of a stopped container without a network (its spec's network is set): Connect's
  // own fields are named, not the spec's.
  ASSERT_EQ(
      agent_.Cli({"create", "--name", "bare", "--network", "none", "busybox", "true"}).exit_code,
      0);
  CommandResult bare_unknown = agent_.Cli({"network", "connect", "nosuch", "bare"});
  EXPECT_EQ(bare_unknown.err.find("spec.network"), std::string::npos) << bare_unknown.err;
  EXPECT_NE(bare_unknown.err.find("network: no network 'nosuch'"), std::string::npos)
      << bare_unknown.err;
  CommandResult bare_outside =
      agent_.Cli({"network", "connect", "tnet2", "bare", "--ip", "10.9.9.9"});
  EXPECT_NE(bare_outside.err.find("boxcar: ip: 10.9.9.9"), std::string::npos) << bare_outside.err;
  EXPECT_EQ(Inspect("bare").spec().network().mode(), "none");
  ASSERT_EQ(agent_.Cli({"rm", "bare"}).exit_code, 0);
  EXPECT_EQ(Leases(), 2);
  EXPECT_EQ(Inspect("app").interfaces_size(), 0);
  EXPECT_NE(InApp("ip link show eth1").exit_code, 0);
  EXPECT_EQ(HostVethsSettled(2), 2);
  CommandResult not_on = agent_.Cli({"network", "disconnect", "tnet2", "app"});
  EXPECT_NE(not_on.err.find("network: container app is not on network 'tnet2'"), std::string::npos)
      << not_on.err;
  CommandResult primary = agent_.Cli({"network", "disconnect", "tnet", "app"});
  EXPECT_NE(primary.err.find("stop it first"), std::string::npos) << primary.err;
  EXPECT_EQ(Leases(), 2);
}

}  // namespace
}  // namespace boxcar::testing
