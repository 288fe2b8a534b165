// VIFs attached beside a container's network (Networks.AttachInterface, `boxcar interface`):
// hot attach and detach on a running container, VIFs kept with a stopped one and plugged at
// each start, kept running across kill -9 of the agent, bad input refused leaving nothing.
// The bridge is made by the test in the agent's own network namespace.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "boxcar/v1/networks.grpc.pb.h"
#include "network_fixture.h"

namespace boxcar::testing {
namespace {

class InterfaceTest : public NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    CommandResult bridge = namespaces_->RunIn(
        namespaces_->agent(),
        "ip link add bxt-vifbr type bridge && ip addr add 192.168.60.1/24 dev bxt-vifbr && "
        "ip link set bxt-vifbr up");
    ASSERT_EQ(bridge.exit_code, 0) << bridge.out;
  }
  void TearDown() override {
    if (namespaces_) {
      agent_.RemoveAllContainers();
      EXPECT_EQ(TapsSettled(0), 0) << "VIF host ends left";
    }
    NetworkTest::TearDown();
  }
  // Links named tap* in the agent's namespace, once their count is `expected` (or after 5 s).
  int TapsSettled(int expected) {
    return Settled(
        [&] {
          return std::atoi(namespaces_
                               ->RunIn(namespaces_->agent(), "ip -o link | grep -c \": tap\" || true")
                               .out.c_str());
        },
        expected);
  }
  CommandResult Attach(const std::string& container, const std::string& tap,
                       const std::string& mac, const std::string& address,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"interface", "attach", container, "--bridge", "bxt-vifbr",
                                  "--host-interface", tap, "--mac", mac, "--address", address};
    args.insert(args.end(), extra.begin(), extra.end());
    return agent_.Cli(args);
  }
  CommandResult Ping(const std::string& address) {
    return namespaces_->RunIn(namespaces_->agent(), "busybox ping -c1 -W2 " + address);
  }
  std::string Inside(const std::string& container, const std::string& command) {
    return agent_.Cli({"exec", container, "sh", "-c", command}).out;
  }
};

TEST_F(InterfaceTest, HotAttachAndDetachOnARunningContainer) {
  RunDetached({"--name", "vm"}, {"sleep", "120"});
  CommandResult first = Attach("vm", "tapaaaa0001", "fa:16:3e:00:00:01", "192.168.60.10/24",
                               {"--mtu", "1400", "--gateway", "192.168.60.1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "eth0\n");
  std::string eth0 = Inside("vm", "ip -o link show eth0; ip route");
  EXPECT_NE(eth0.find("fa:16:3e:00:00:01"), std::string::npos) << eth0;
  EXPECT_NE(eth0.find("mtu 1400"), std::string::npos) << eth0;
  EXPECT_NE(eth0.find("default via 192.168.60.1"), std::string::npos) << eth0;
  EXPECT_EQ(Ping("192.168.60.10").exit_code, 0);
  CommandResult host_end =
      namespaces_->RunIn(namespaces_->agent(), "ip -o link show tapaaaa0001");
  EXPECT_NE(host_end.out.find("master bxt-vifbr"), std::string::npos) << host_end.out;

  // A second one is eth1 and leaves the default route alone.
  CommandResult second = Attach("vm", "tapaaaa0002", "fa:16:3e:00:00:02", "192.168.60.11/24",
                                {"--gateway", "192.168.60.1"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "eth1\n");
  EXPECT_EQ(Inside("vm", "ip route | grep -c default"), "1\n");
  EXPECT_EQ(Ping("192.168.60.11").exit_code, 0);
  CommandResult listed = agent_.Cli({"interface", "ls", "vm", "--json"});
  EXPECT_NE(listed.out.find("tapaaaa0002"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("\"name\":\"eth1\""), std::string::npos) << listed.out;

  // Hot detach: gone inside and on the host, and from the record.
  CommandResult detached = agent_.Cli({"interface", "detach", "vm", "tapaaaa0001"});
  ASSERT_EQ(detached.exit_code, 0) << detached.err;
  EXPECT_EQ(Inside("vm", "ip -o link show eth0 2>/dev/null | wc -l"), "0\n");
  EXPECT_NE(Ping("192.168.60.10").exit_code, 0);
  EXPECT_EQ(Ping("192.168.60.11").exit_code, 0);
  EXPECT_EQ(TapsSettled(1), 1);
  ASSERT_EQ(Inspect("vm").interfaces_size(), 1);
  EXPECT_EQ(Inspect("vm").interfaces(0).host_interface(), "tapaaaa0002");
  // The freed name is taken again by the next one.
  CommandResult again = Attach("vm", "tapaaaa0003", "fa:16:3e:00:00:03", "192.168.60.12/24");
  EXPECT_EQ(again.out, "eth0\n") << again.err;
  EXPECT_EQ(Ping("192.168.60.12").exit_code, 0);
}

TEST_F(InterfaceTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  RunDetached({"--name", "vm"}, {"sleep", "120"});
  CommandResult no_bridge = agent_.Cli({"interface", "attach", "vm", "--bridge", "bxt-nope",
                                        "--host-interface", "tapb1", "--mac",
                                        "fa:16:3e:00:00:09"});
  EXPECT_NE(no_bridge.exit_code, 0);
  EXPECT_NE(no_bridge.err.find("interface.bridge"), std::string::npos) << no_bridge.err;
  CommandResult bad_mac = Attach("vm", "tapb2", "not-a-mac", "192.168.60.20/24");
  EXPECT_NE(bad_mac.err.find("interface.mac"), std::string::npos) << bad_mac.err;
  CommandResult bad_address = Attach("vm", "tapb3", "fa:16:3e:00:00:0a", "192.168.60.300/24");
  EXPECT_NE(bad_address.err.find("interface.addresses[0]"), std::string::npos)
      << bad_address.err;
  CommandResult long_name = Attach("vm", "tap0123456789abcdef", "fa:16:3e:00:00:0b",
                                   "192.168.60.21/24");
  EXPECT_NE(long_name.err.find("interface.host_interface"), std::string::npos) << long_name.err;
  CommandResult bad_inside = Attach("vm", "tapb4", "fa:16:3e:00:00:0c", "192.168.60.22/24",
                                    {"--name", "Eth0"});
  EXPECT_NE(bad_inside.err.find("interface.name"), std::string::npos) << bad_inside.err;
  // A host link of that name already there (here: the bridge's own name).
  CommandResult taken = Attach("vm", "bxt-vifbr", "fa:16:3e:00:00:0d", "192.168.60.23/24");
  EXPECT_NE(taken.err.find("interface.host_interface"), std::string::npos) << taken.err;
  {
    // The network a connection joins is the agent's to record (`network connect`).
    grpc::ClientContext context;
    v1::AttachInterfaceRequest request;
    request.set_container("vm");
    v1::VifSpec* vif = request.mutable_interface();
    vif->set_bridge("bxt-vifbr");
    vif->set_host_interface("tapb7");
    vif->set_mac("fa:16:3e:00:00:11");
    vif->set_network("somenet");
    v1::AttachInterfaceResponse response;
    auto networks = v1::Networks::NewStub(
        grpc::CreateChannel("unix:" + agent_.socket_path(), grpc::InsecureChannelCredentials()));
    grpc::Status refused = networks->AttachInterface(&context, request, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(refused.error_message().find("interface.network"), std::string::npos)
        << refused.error_message();
    // So are its aliases (a hosts-file line of the network's containers).
    grpc::ClientContext alias_context;
    vif->clear_network();
    vif->add_aliases("db\n10.0.0.1 evil");
    refused = networks->AttachInterface(&alias_context, request, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(refused.error_message().find("interface.aliases"), std::string::npos)
        << refused.error_message();
  }
  EXPECT_EQ(Inspect("vm").interfaces_size(), 0);
  EXPECT_EQ(TapsSettled(0), 0);
  EXPECT_EQ(Inside("vm", "ls /sys/class/net"), "lo\n");

  ASSERT_EQ(Attach("vm", "tapb5", "fa:16:3e:00:00:0e", "192.168.60.24/24").exit_code, 0);
  CommandResult twice = Attach("vm", "tapb5", "fa:16:3e:00:00:0f", "192.168.60.25/24");
  EXPECT_NE(twice.err.find("already attached"), std::string::npos) << twice.err;
  CommandResult unknown = agent_.Cli({"interface", "detach", "vm", "tapzz"});
  EXPECT_NE(unknown.err.find("host_interface"), std::string::npos) << unknown.err;
  CommandResult host_mode = agent_.Cli({"create", "--network", "host", "--name", "hostnet",
                                        "busybox", "true"});
  ASSERT_EQ(host_mode.exit_code, 0) << host_mode.err;
  CommandResult on_host = Attach("hostnet", "tapb6", "fa:16:3e:00:00:10", "192.168.60.26/24");
  EXPECT_NE(on_host.err.find("host's network"), std::string::npos) << on_host.err;
}

TEST_F(InterfaceTest, AttachedVifsArePluggedAtEveryStartAndSurviveKillNine) {
  CommandResult created = agent_.Cli({"create", "--name", "vm", "busybox", "sleep", "120"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(Attach("vm", "tapccc0001", "fa:16:3e:00:01:01", "192.168.60.30/24",
                   {"--gateway", "192.168.60.1"})
                .exit_code,
            0);
  EXPECT_EQ(TapsSettled(0), 0) << "not plugged before the start";
  ASSERT_EQ(agent_.Cli({"start", "vm"}).exit_code, 0);
  EXPECT_EQ(Ping("192.168.60.30").exit_code, 0);
  EXPECT_NE(Inside("vm", "ip route").find("default via 192.168.60.1"), std::string::npos);
  // Stop and start at once (a reboot): the old pair may still be going with its namespace.
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "vm"}).exit_code, 0);
    CommandResult started = agent_.Cli({"start", "vm"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    EXPECT_EQ(Ping("192.168.60.30").exit_code, 0) << "round " << round;
  }
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Ping("192.168.60.30").exit_code, 0) << "still plugged after kill -9";
  EXPECT_EQ(Inspect("vm").interfaces_size(), 1);
  ASSERT_EQ(agent_.Cli({"interface", "detach", "vm", "tapccc0001"}).exit_code, 0);
  EXPECT_EQ(TapsSettled(0), 0);
  EXPECT_NE(Ping("192.168.60.30").exit_code, 0);
}

TEST_F(InterfaceTest, AVifBesideABridgeNetworkIsEth1AndKeepsItsDefaultRoute) {
  RunDetached({"--name", "vm", "--network", "tnet"}, {"sleep", "120"});
  CommandResult attached = Attach("vm", "tapddd0001", "fa:16:3e:00:02:01", "192.168.60.40/24",
                                  {"--gateway", "192.168.60.1"});
  ASSERT_EQ(attached.exit_code, 0) << attached.err;
  EXPECT_EQ(attached.out, "eth1\n");
  std::string routes = Inside("vm", "ip route");
  EXPECT_NE(routes.find("default via 10.201.0.1"), std::string::npos) << routes;
  EXPECT_EQ(routes.find("default via 192.168.60.1"), std::string::npos) << routes;
  EXPECT_EQ(Ping("192.168.60.40").exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "-f", "vm"}).exit_code, 0);
  EXPECT_EQ(TapsSettled(0), 0) << "rm takes the VIF with the container";
}

TEST_F(InterfaceTest, LxcContainersTakeVifsHotAndAtStart) {
  RunDetached({"--backend", "lxc", "--name", "vm"}, {"sleep", "120"});
  CommandResult hot = Attach("vm", "tapeee0001", "fa:16:3e:00:03:01", "192.168.60.50/24");
  ASSERT_EQ(hot.exit_code, 0) << hot.err;
  EXPECT_EQ(Ping("192.168.60.50").exit_code, 0);
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "vm"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"start", "vm"}).exit_code, 0);
  EXPECT_EQ(Ping("192.168.60.50").exit_code, 0) << "plugged again at the start";
  ASSERT_EQ(agent_.Cli({"interface", "detach", "vm", "tapeee0001"}).exit_code, 0);
  EXPECT_EQ(TapsSettled(0), 0);
}

}  // namespace
}  // namespace boxcar::testing
