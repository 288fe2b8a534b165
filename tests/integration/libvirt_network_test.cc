// Container networking on the libvirt backend: the same bridge network, names and published
// ports as on chroot and lxc (network_fixture.h), the agent in a network namespace of the
// test's own and libvirtd the process's private one (libvirtd_harness.h).
#include <gtest/gtest.h>

#include "libvirtd_harness.h"
#include "network_fixture.h"

namespace boxcar::testing {
namespace {

// A page served by busybox httpd from the container's /www (as network_test.cc's).
const std::string kServeHello =
    "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www";

class LibvirtNetworkTest : public NetworkTest {
 protected:
  void SetUp() override {
    LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
    ASSERT_TRUE(libvirtd.running());
    namespaces_ = std::make_unique<NetworkNamespaces>();
    ASSERT_FALSE(HasFailure());
    agent_.UseNetworkNamespace(namespaces_->agent());
    agent_.MoveWorkDirUnder(libvirtd.shared_dir());
    StartAgentWithBusybox({"--libvirt-uri", libvirtd.uri()});
    ASSERT_FALSE(HasFatalFailure());
    CommandResult created = agent_.Cli({"network", "create", "tnet", "--subnet", "10.201.0.0/24"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  void TearDown() override {
    NetworkTest::TearDown();
    LibvirtdHarness::RemoveDomainLeftovers();
  }
};

TEST_F(LibvirtNetworkTest, LibvirtContainersGetTheSameNetworking) {
  RunDetached({"--backend", "libvirt", "--network", "tnet", "--name", "web", "-p", "8080:80"},
              {"sh", "-c", kServeHello});
  CommandResult by_name =
      RunRm({"--network", "tnet"}, {"sh", "-c",
                                    "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- "
                                    "http://web/ && break; sleep 0.2; done"});
  EXPECT_EQ(by_name.out, "hello-from-web\n") << by_name.err;
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  CommandResult none =
      RunRm({"--backend", "libvirt", "--network", "none"}, {"sh", "-c", "ip -o link | wc -l"});
  EXPECT_EQ(none.out, "1\n") << none.err;
  CommandResult client = RunRm({"--backend", "libvirt", "--network", "tnet"},
                               {"timeout", "5", "wget", "-qO-", "http://web/"});
  EXPECT_EQ(client.out, "hello-from-web\n") << client.err;
}

// network_sysctls_test.cc's check on libvirt: eth0 is in the domain before the shim writes.
TEST_F(LibvirtNetworkTest, NetSysctlsIncludingEth0sAreSetOnTheBridgeNetwork) {
  CommandResult result = RunRm(
      {"--backend", "libvirt", "--network", "tnet", "--sysctl", "net.ipv4.conf.eth0.rp_filter=2",
       "--sysctl", "net.ipv4.ip_unprivileged_port_start=1024"},
      {"sh", "-c",
       "cat /proc/sys/net/ipv4/conf/eth0/rp_filter "
       "/proc/sys/net/ipv4/ip_unprivileged_port_start"});
  EXPECT_EQ(result.out, "2\n1024\n") << result.err;
}

}  // namespace
}  // namespace boxcar::testing
