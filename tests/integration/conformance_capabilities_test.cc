// Conformance, capabilities on every backend (conformance_test.cc says how the suite works):
// --cap-drop and --cap-add change the bounding set of the payload and of every exec, root's
// effective set follows it, and the seccomp filter lets through what an added capability is
// for (mount with SYS_ADMIN); an unknown name is refused naming the field, creating nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent_fixture.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceCapabilitiesTest : public ConformanceTest {};

constexpr char kCapabilityLines[] = "^Cap(Bnd|Eff):";

TEST_P(ConformanceCapabilitiesTest, DroppedCapabilitiesAreGoneForThePayloadAndEveryExec) {
  // Only CAP_CHOWN (bit 0) is left.
  std::string id = RunDetached({"--cap-drop", "ALL", "--cap-add", "chown"}, {"sleep", "30"});
  CommandResult payload =
      agent_.Cli({"exec", id, "grep", "-E", kCapabilityLines, "/proc/1/status"});
  EXPECT_EQ(payload.out, "CapEff:\t0000000000000001\nCapBnd:\t0000000000000001\n") << payload.err;
  CommandResult exec =
      agent_.Cli({"exec", id, "grep", "-E", kCapabilityLines, "/proc/self/status"});
  EXPECT_EQ(exec.out, "CapEff:\t0000000000000001\nCapBnd:\t0000000000000001\n") << exec.err;
  // chown still works; writing a file root does not own and may not write needs
  // CAP_DAC_OVERRIDE, dropped.
  CommandResult denied = agent_.Cli(
      {"exec", id, "sh", "-c", "touch /f && chmod 000 /f && chown 1000 /f && echo x > /f"});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;

  // One capability dropped from the default set (NET_RAW, bit 13).
  CommandResult no_raw =
      RunRm({"--cap-drop", "NET_RAW"}, {"grep", "-E", kCapabilityLines, "/proc/self/status"});
  EXPECT_EQ(no_raw.out, "CapEff:\t00000000a00405fb\nCapBnd:\t00000000a00405fb\n") << no_raw.err;
}

TEST_P(ConformanceCapabilitiesTest, AnAddedCapabilityBringsItsSystemCallsBack) {
  // Without CAP_SYS_ADMIN the filter refuses mount; with it the payload mounts a tmpfs (in its
  // own mount namespace), as with Docker's --cap-add SYS_ADMIN.
  const std::vector<std::string> mount = {"sh", "-c",
                                          "mkdir -p /m && mount -t tmpfs none /m && echo mounted"};
  CommandResult refused = RunRm({}, mount);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("mount: permission denied"), std::string::npos) << refused.err;
  CommandResult mounted = RunRm({"--cap-add", "CAP_SYS_ADMIN"}, mount);
  EXPECT_EQ(mounted.out, "mounted\n") << mounted.err;
  // NET_ADMIN: the payload may reconfigure its own interfaces.
  CommandResult mtu = RunRm({"--cap-add", "net_admin"},
                            {"sh", "-c", "ip link set lo mtu 1400 && cat /sys/class/net/lo/mtu"});
  EXPECT_EQ(mtu.out, "1400\n") << mtu.err;
}

TEST_P(ConformanceCapabilitiesTest, UnknownCapabilitiesAreRefusedNamingTheField) {
  CommandResult refused = agent_.Cli(
      {"run", "--rm", "--cap-add", "NET_ADMIN", "--cap-add", "NET_ADMN", "busybox", "true"});
  EXPECT_EQ(refused.exit_code, 125);
  EXPECT_NE(refused.err.find("spec.cap_add[1]: unknown capability 'NET_ADMN'"), std::string::npos)
      << refused.err;
  CommandResult numeric = agent_.Cli({"create", "--cap-drop", "12", "busybox", "true"});
  EXPECT_NE(numeric.exit_code, 0);
  EXPECT_NE(numeric.err.find("spec.cap_drop[0]"), std::string::npos) << numeric.err;
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceCapabilitiesTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
