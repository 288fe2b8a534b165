// Agents that share a host and a --cgroup-parent must not break each other: while one agent
// runs containers, another is started, stopped and killed -9 again and again on the same
// parent; no run fails and nothing leaks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"

namespace boxcar::testing {
namespace {

class MultiAgentTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    shared_parent_ = "boxcar-it-shared-" + std::to_string(::getpid());
    agent_.ShareCgroupParent(shared_parent_);
    other_.ShareCgroupParent(shared_parent_);
    StartAgentWithBusybox({});
  }

  std::string shared_parent_;
  AgentHarness other_;
};

TEST_F(MultiAgentTest, AnotherAgentStartingStoppingAndDyingOnTheSameParentBreaksNoRun) {
  constexpr int kRuns = 50;
  std::atomic<int> runs{0};
  std::atomic<int> failed{0};
  std::string first_failure;
  std::thread runner([&] {
    for (int i = 0; i < kRuns; ++i) {
      CommandResult run = RunRm({}, {"true"});
      if (run.exit_code != 0 && failed++ == 0) first_failure = run.err;
      ++runs;
    }
  });
  int cycles = 0;
  while (runs < kRuns || cycles < 6) {
    other_.Start();
    if (HasFatalFailure()) break;
    // Let its prewarm loop make slots and spares before it goes.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    other_.Stop(/*kill9=*/cycles % 2 == 1);
    ++cycles;
  }
  runner.join();
  EXPECT_EQ(failed.load(), 0) << "first failure: " << first_failure;
  EXPECT_GE(cycles, 6);
  // The other agent's last run may have been killed -9: its next start clears its slots.
  other_.Start();
  other_.Stop();
  EXPECT_EQ(agent_.OrphanedShims(), "") << "shims of the other agent, or of none";

  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, {}, &info).ok());
  EXPECT_EQ(info.prewarm_fallbacks().cgroup_slots(), 0u)
      << "the other agent took this agent's prewarmed cgroup slots away";
  auto instance_of = [](const AgentHarness& agent) {
    auto id = ReadFileToString(agent.root_dir() + "/instance-id");
    return id.ok() ? *id : std::string("?");
  };
  SCOPED_TRACE("instances: this agent " + instance_of(agent_) + ", the other " + instance_of(other_));
  StopAgentAndCheckLeftovers();
  EXPECT_EQ(other_.LeftoverMounts(), "");
}

// What another agent (or an operator) might do to this agent's prewarmed work: its slots'
// helpers killed and the slots removed, its spare directories deleted. Starts fall back to the
// ordinary path, and `boxcar info` counts them.
TEST_F(MultiAgentTest, StartsWhosePrewarmedSlotOrSpareVanishedFallBack) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the pool is full
  int slots_removed = 0;
  for (const char* controller : {"memory", "cpu", "pids", "freezer", "blkio", "cpuacct"}) {
    const std::string parent = std::string("/sys/fs/cgroup/") + controller + "/" + shared_parent_;
    for (const auto& name : ListDirectoryNames(parent)) {
      if (name.rfind("slot-", 0) != 0) continue;
      std::ifstream procs(parent + "/" + name + "/cgroup.procs");
      for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (const char* controller : {"memory", "cpu", "pids", "freezer", "blkio", "cpuacct"}) {
    const std::string parent = std::string("/sys/fs/cgroup/") + controller + "/" + shared_parent_;
    for (const auto& name : ListDirectoryNames(parent)) {
      if (name.rfind("slot-", 0) == 0 && ::rmdir((parent + "/" + name).c_str()) == 0)
        ++slots_removed;
    }
  }
  int spares_removed = 0;
  for (const auto& name : ListDirectoryNames(agent_.root_dir() + "/containers")) {
    if (name.rfind("spare-", 0) != 0) continue;
    ASSERT_TRUE(RemoveTree(agent_.root_dir() + "/containers/" + name).ok());
    ++spares_removed;
  }
  if (slots_removed == 0) GTEST_SKIP() << "no cgroup slots on this host (pure cgroup v2)";
  ASSERT_GT(spares_removed, 0);
  for (int i = 0; i < 3; ++i) {
    CommandResult run = RunRm({}, {"echo", "fell back"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "fell back\n");
  }
  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, {}, &info).ok());
  EXPECT_GE(info.prewarm_fallbacks().cgroup_slots(), 1u);
  EXPECT_GE(info.prewarm_fallbacks().spares(), 1u);
  EXPECT_EQ(agent_.Cli({"info"}).out.find("prewarm fallbacks: 0 cgroup slots"), std::string::npos);
  StopAgentAndCheckLeftovers();
}

}  // namespace
}  // namespace boxcar::testing
