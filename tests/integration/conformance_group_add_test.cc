// Conformance, --group-add on every backend (conformance_test.cc says how the suite works):
// the payload and every exec get the extra supplementary groups, names looked up in the
// image's /etc/group; an unknown name fails the start naming it.
#include <gtest/gtest.h>

#include <string>

#include "agent_fixture.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceGroupAddTest : public ConformanceTest {};

TEST_P(ConformanceGroupAddTest, PayloadAndExecGetTheExtraGroups) {
  // The busybox image's /etc/group has tty (5) and nogroup (65534).
  CommandResult root = RunRm({"--group-add", "tty", "--group-add", "1234"}, {"id", "-G"});
  EXPECT_EQ(root.out, "0 5 1234\n") << root.err;
  CommandResult daemon = RunRm({"-u", "daemon", "--group-add", "nogroup"}, {"id", "-G"});
  EXPECT_EQ(daemon.out, "1 65534\n") << daemon.err;
  EXPECT_EQ(RunRm({}, {"id", "-G"}).out, "0\n") << "no flag, no extra group";

  std::string id = RunDetached({"--group-add", "tty"}, {"sleep", "1000"});
  CommandResult exec = agent_.Cli({"exec", id, "id", "-G"});
  EXPECT_EQ(exec.out, "0 5\n") << exec.err;
  CommandResult exec_as = agent_.Cli({"exec", "-u", "daemon", id, "id", "-G"});
  EXPECT_EQ(exec_as.out, "1 5\n") << exec_as.err;
  EXPECT_EQ(Inspect(id).spec().group_add_size(), 1);
}

TEST_P(ConformanceGroupAddTest, UnknownGroupNameFailsTheStartNamingIt) {
  CommandResult refused = RunRm({"--group-add", "nosuchgroup"}, {"true"});
  EXPECT_EQ(refused.exit_code, 125);
  EXPECT_NE(refused.err.find("'nosuchgroup' not found in the image's /etc/group"),
            std::string::npos)
      << refused.err;
  CommandResult bad = agent_.Cli({"create", "--group-add", "a:b", "busybox", "true"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("spec.group_add[0]"), std::string::npos) << bad.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceGroupAddTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
