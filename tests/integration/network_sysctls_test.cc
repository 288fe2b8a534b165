// --sysctl on a bridge network (chroot and lxc; libvirt in libvirt_network_test.cc): net.* keys,
// per-interface ones included, are written in the container's network namespace once the
// agent has moved its eth0 in, before the payload starts; the agent's own namespace keeps its
// values.
#include <gtest/gtest.h>

#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

const char kReadBack[] =
    "cat /proc/sys/net/ipv4/conf/eth0/rp_filter /proc/sys/net/ipv4/ip_unprivileged_port_start "
    "/proc/sys/net/ipv6/conf/eth0/disable_ipv6";

TEST_F(NetworkTest, NetSysctlsIncludingEth0sAreSetOnTheBridgeNetwork) {
  for (const char* backend : {"chroot", "lxc"}) {
    CommandResult result = RunRm(
        {"--backend", backend, "--network", "tnet", "--sysctl", "net.ipv4.conf.eth0.rp_filter=2",
         "--sysctl", "net.ipv4.ip_unprivileged_port_start=1024", "--sysctl",
         "net/ipv6/conf/eth0/disable_ipv6=1"},
        {"sh", "-c", kReadBack});
    EXPECT_EQ(result.out, "2\n1024\n1\n") << backend << ": " << result.err;
  }
  // An interface the container does not have fails the start, naming the key.
  CommandResult missing =
      RunRm({"--network", "tnet", "--sysctl", "net.ipv4.conf.eth9.rp_filter=1"}, {"echo", "ran"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("net.ipv4.conf.eth9.rp_filter"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.out, "") << missing.out;
}

}  // namespace
}  // namespace boxcar::testing
