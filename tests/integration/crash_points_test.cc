// The agent killed (SIGKILL, through BOXCAR_CRASH_AT) at each named point of Create, Start,
// Remove, Import and Commit: after a restart `system check` is clean, no mount, cgroup or
// process is left over, and every container and image that survived works.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <functional>

#include "agent_fixture.h"
#include "common/directory_tree.h"

namespace boxcar::testing {
namespace {

class CrashPointsTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // Restarts the agent armed to crash at `point`, runs `operation` (which must reach it), and
  // restarts it unarmed.
  void CrashAt(const std::string& point, const std::function<void()>& operation) {
    agent_.Stop();
    agent_.Start(agent_args_, {"BOXCAR_CRASH_AT=" + point});
    ASSERT_FALSE(HasFatalFailure());
    operation();
    int status = agent_.WaitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << point << ": the agent did not crash there (wait status " << status << ")";
    RestartAgent();
    ASSERT_FALSE(HasFatalFailure());
    ExpectStoreClean(point);
  }

  void ExpectStoreClean(const std::string& point) {
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << point << ": " << check.out << check.err;
    EXPECT_EQ(check.out.find("removed"), std::string::npos) << point << ": " << check.out;
    EXPECT_EQ(check.out.find(':'), std::string::npos) << point << ": problems: " << check.out;
  }

  // Names of the directories under the agent's containers/ and snapshots/.
  std::vector<std::string> StateDirectories() {
    auto names = ListDirectoryNames(agent_.root_dir() + "/containers");
    for (const auto& name : ListDirectoryNames(agent_.root_dir() + "/snapshots"))
      names.push_back("snapshots/" + name);
    return names;
  }

  // No shim but the new agent's; with no container left, no mount and no cgroup either.
  void ExpectNothingOfTheCrashLeft(const std::string& point) {
    EXPECT_EQ(agent_.OrphanedShims(), "") << point;
    if (agent_.Cli({"ps", "-a", "-q"}).out.empty()) {
      EXPECT_EQ(agent_.LeftoverMounts(), "") << point;
      EXPECT_EQ(agent_.LeftoverCgroups(), "") << point;
    }
  }

  // The busybox image still runs containers.
  void ExpectContainersRun(const std::string& point) {
    CommandResult run = RunRm({}, {"echo", "alive"});
    EXPECT_EQ(run.exit_code, 0) << point << ": " << run.err;
    EXPECT_EQ(run.out, "alive\n") << point;
  }
};

TEST_F(CrashPointsTest, CreateBeforeTheRecordLeavesNoContainerAndNoDirectories) {
  CrashAt("create.after_directories", [&] {
    EXPECT_NE(agent_.Cli({"create", "--name", "c", "busybox", "true"}).exit_code, 0);
  });
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "");
  // Spares the new agent made may be there; nothing named after a container id.
  for (const auto& name : StateDirectories()) {
    EXPECT_NE(name.find("spare-"), std::string::npos) << "left over: " << name;
  }
  ExpectNothingOfTheCrashLeft("create.after_directories");
  ExpectContainersRun("create.after_directories");
}

TEST_F(CrashPointsTest, CreateAfterTheRecordLeavesAContainerThatRuns) {
  CrashAt("create.after_record",
          [&] { agent_.Cli({"create", "--name", "c", "busybox", "echo", "created"}); });
  CommandResult start = agent_.Cli({"start", "c"});
  EXPECT_EQ(start.exit_code, 0) << start.err;
  EXPECT_EQ(agent_.Cli({"wait", "c"}).out, "0\n");
  EXPECT_EQ(agent_.Cli({"logs", "c"}).out, "created\n");
  ExpectNothingOfTheCrashLeft("create.after_record");
}

TEST_F(CrashPointsTest, StartCrashesLeaveAStoppedContainerThatStartsAgain) {
  for (const char* point : {"start.after_mount", "start.after_cgroups", "start.after_launch"}) {
    SCOPED_TRACE(point);
    ASSERT_EQ(agent_.Cli({"create", "--name", "s", "busybox", "sleep", "1000"}).exit_code, 0);
    CrashAt(point, [&] { EXPECT_NE(agent_.Cli({"start", "s"}).exit_code, 0); });
    v1::Container container = Inspect("s");
    EXPECT_NE(container.state(), v1::CONTAINER_STATE_RUNNING);
    // Nothing of the interrupted start runs or stays mounted.
    EXPECT_EQ(agent_.LeftoverMounts(), "");
    ExpectNothingOfTheCrashLeft(point);
    CommandResult start = agent_.Cli({"start", "s"});
    EXPECT_EQ(start.exit_code, 0) << start.err;
    EXPECT_EQ(Inspect("s").state(), v1::CONTAINER_STATE_RUNNING);
    EXPECT_EQ(agent_.Cli({"rm", "-f", "s"}).exit_code, 0);
  }
}

TEST_F(CrashPointsTest, StartAfterTheRecordLeavesARunningContainerTheAgentWatches) {
  ASSERT_EQ(agent_.Cli({"create", "--name", "s", "busybox", "sleep", "1000"}).exit_code, 0);
  CrashAt("start.after_record", [&] { agent_.Cli({"start", "s"}); });
  EXPECT_EQ(Inspect("s").state(), v1::CONTAINER_STATE_RUNNING);
  CommandResult stop = agent_.Cli({"stop", "-t", "1", "s"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(Inspect("s").state(), v1::CONTAINER_STATE_EXITED);
  ExpectNothingOfTheCrashLeft("start.after_record");
}

TEST_F(CrashPointsTest, RemoveCrashesLeaveNoContainerAndNoDirectories) {
  for (const char* point :
       {"remove.after_record", "remove.after_snapshot", "remove.half_recycled"}) {
    SCOPED_TRACE(point);
    ASSERT_EQ(agent_.Cli({"run", "--name", "r", "busybox", "true"}).exit_code, 0);
    const std::string id = Inspect("r").id();
    CrashAt(point, [&] { agent_.Cli({"rm", "r"}); });
    EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "");
    for (const auto& name : StateDirectories()) {
      EXPECT_EQ(name.find(id), std::string::npos) << "left over: " << name;
    }
    ExpectNothingOfTheCrashLeft(point);
    ExpectContainersRun(point);
  }
}

TEST_F(CrashPointsTest, ImportCrashesLeaveTheImageWholeOrAbsent) {
  const std::string tarball = agent_.work_dir() + "/extra.tar";
  WriteTarball(tarball, {{TarMember::kDirectory, "bin", ""},
                         {TarMember::kFile, "bin/hello", "hello from the crash test\n"}});
  CrashAt("store.before_record", [&] {
    EXPECT_NE(agent_.Cli({"image", "import", tarball, "crash:1"}).exit_code, 0);
  });
  EXPECT_NE(agent_.Cli({"image", "inspect", "crash:1"}).exit_code, 0) << "half an import";
  CrashAt("store.after_record", [&] { agent_.Cli({"image", "import", tarball, "crash:2"}); });
  EXPECT_EQ(agent_.Cli({"image", "inspect", "crash:2"}).exit_code, 0);
  ExpectNothingOfTheCrashLeft("store.*_record");
  ExpectContainersRun("store.*_record");
}

TEST_F(CrashPointsTest, CommitCrashesLeaveTheImageWholeOrAbsentAndTheContainerIntact) {
  ASSERT_EQ(agent_.Cli({"run", "--name", "m", "busybox", "sh", "-c", "echo kept > /kept"})
                .exit_code,
            0);
  CrashAt("store.before_record", [&] { agent_.Cli({"commit", "m", "committed:1"}); });
  EXPECT_NE(agent_.Cli({"image", "inspect", "committed:1"}).exit_code, 0);
  CrashAt("store.after_record", [&] { agent_.Cli({"commit", "m", "committed:2"}); });
  CommandResult run = agent_.Cli({"run", "--rm", "committed:2", "cat", "/kept"});
  EXPECT_EQ(run.out, "kept\n") << run.err;
  // The container the commits read is still there, with its changes.
  ASSERT_EQ(agent_.Cli({"commit", "m", "committed:3"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"run", "--rm", "committed:3", "cat", "/kept"}).out, "kept\n");
  ExpectNothingOfTheCrashLeft("commit");
}

}  // namespace
}  // namespace boxcar::testing
