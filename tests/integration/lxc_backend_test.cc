// What only the lxc backend has (its monitor, its cgroup placement, its own start-up checks);
// what every backend must do runs against lxc in conformance*_test.cc. Besides the harness's leak
// checks, every test checks that LXC left nothing of its own: no lxc.* cgroup in any hierarchy,
// no lxc shim or monitor process, nothing new in /run/lxc.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "lxc_leftovers.h"

namespace boxcar::testing {
namespace {

class LxcBackendTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    run_lxc_before_ = RunLxcListing();
    StartAgentWithBusybox({"--default-backend", "lxc"});
  }

  void TearDown() override {
    StopAgentAndCheckLeftovers();
    EXPECT_EQ(LxcShimProcesses(), "");
    EXPECT_EQ(LxcCgroupsAnywhere(), "");
    EXPECT_EQ(RunLxcListing(), run_lxc_before_);
  }

  std::string run_lxc_before_;
};

TEST_F(LxcBackendTest, InfoListsTheBackendAsAvailable) {
  CommandResult info = agent_.Cli({"info"});
  EXPECT_NE(info.out.find("lxc (default): available; capabilities: limits, pause, exec, networking, survives-agent-restart"),
            std::string::npos)
      << info.out;
}

TEST_F(LxcBackendTest, PayloadAndMonitorLiveInTheAgentsCgroups) {
  std::string id = RunDetached({"--pids-limit", "5"}, {"sleep", "30"});
  pid_t payload = Inspect(id).pid();
  auto cgroups = ReadFileToString("/proc/" + std::to_string(payload) + "/cgroup");
  ASSERT_TRUE(cgroups.ok());
  std::string expected = "/" + agent_.cgroup_parent() + "/" + id + "\n";
  EXPECT_NE(cgroups->find(":memory:" + expected), std::string::npos) << *cgroups;
  EXPECT_NE(cgroups->find(":pids:" + expected), std::string::npos) << *cgroups;
  // LXC's monitor is the payload's parent, inside too; pids.max makes room for it.
  auto procs = ReadFileToString(agent_.CgroupFile(id, "pids", "cgroup.procs", "cgroup.procs"));
  ASSERT_TRUE(procs.ok());
  EXPECT_EQ(std::count(procs->begin(), procs->end(), '\n'), 2) << *procs;
  auto pids_max = ReadFileToString(agent_.CgroupFile(id, "pids", "pids.max", "pids.max"));
  EXPECT_EQ(pids_max.ok() ? *pids_max : "", "6\n");
  EXPECT_EQ(LxcCgroupsAnywhere(), "") << "LXC must not make cgroups of its own";
}

TEST_F(LxcBackendTest, PidsLimitIsThePayloadsOwn) {
  CommandResult within =
      RunRm({"--pids-limit", "5"}, {"sh", "-c", "for i in 1 2 3 4; do sleep 0.2 & done; wait"});
  EXPECT_EQ(within.exit_code, 0) << "sh and 4 children fit in 5: " << within.err;
  CommandResult beyond = RunRm({"--pids-limit", "5"},
                               {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"});
  EXPECT_NE(beyond.err.find("can't fork"), std::string::npos) << beyond.err;
}

TEST_F(LxcBackendTest, CommandsThatCannotRunExit127Or126) {
  CommandResult missing = RunRm({}, {"/no/such/binary"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("/no/such/binary"), std::string::npos) << missing.err;
  CommandResult not_executable = RunRm({}, {"/etc/passwd"});
  EXPECT_EQ(not_executable.exit_code, 126);
  EXPECT_NE(not_executable.err.find("Permission denied"), std::string::npos) << not_executable.err;
}

}  // namespace
}  // namespace boxcar::testing
