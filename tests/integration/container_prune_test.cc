// `boxcar container prune`, `boxcar system df` and `boxcar system prune` on a real agent:
// which containers go (created and exited, filtered by label and age), what they reclaim
// (their writable layers), what df counts for images, containers and volumes, and that
// system prune leaves only what runs and what it uses.
#include <gtest/gtest.h>

#include <string>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class ContainerPruneTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override {
    agent_.RemoveAllContainers();
    StopAgentAndCheckLeftovers();
  }

  std::string Names(bool all = true) {
    std::vector<std::string> args = {"ps", "--format", "{{.Names}}"};
    if (all) args.push_back("-a");
    CommandResult ps = agent_.Cli(args);
    EXPECT_EQ(ps.exit_code, 0) << ps.err;
    return ps.out;
  }

  // Runs `command` to its exit in a new container `name` (kept).
  void RunToExit(const std::string& name, const std::string& command,
                 const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args = {"run", "--name", name};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "sh", "-c", command});
    CommandResult run = agent_.Cli(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
};

TEST_F(ContainerPruneTest, RemovesTheStoppedContainersTheFiltersKeepAndReportsTheirLayers) {
  RunToExit("wrote", "head -c 300000 /dev/zero > /big");
  RunToExit("labelled", "true", {"--label", "keep=yes"});
  ASSERT_EQ(agent_.Cli({"create", "--name", "fresh", "busybox", "true"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"run", "-d", "--name", "runs", "busybox", "sleep", "60"}).exit_code, 0);

  // Created within the hour: until=1h keeps them all.
  CommandResult none = agent_.Cli({"container", "prune", "--filter", "until=1h"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out.find("Deleted Containers"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("Total reclaimed space: 0"), std::string::npos) << none.out;

  CommandResult pruned =
      agent_.Cli({"container", "prune", "-f", "--filter", "label!=keep", "--json"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  // wrote and fresh go (300000 bytes of /big and nothing), labelled and the running one stay.
  EXPECT_NE(pruned.out.find("\"reclaimed_bytes\":\"300000\""), std::string::npos) << pruned.out;
  EXPECT_EQ(Names(), "runs\nlabelled\n") << "(ps -a, newest first)";

  CommandResult bad = agent_.Cli({"container", "prune", "--filter", "status=exited"});
  EXPECT_EQ(bad.exit_code, 125);
  EXPECT_NE(bad.err.find("until=TIME"), std::string::npos) << bad.err;

  CommandResult labelled = agent_.Cli({"container", "prune", "--filter", "label=keep=yes"});
  ASSERT_EQ(labelled.exit_code, 0) << labelled.err;
  EXPECT_NE(labelled.out.find("Deleted Containers:\n"), std::string::npos) << labelled.out;
  EXPECT_EQ(Names(), "runs\n");
  EXPECT_EQ(Names(/*all=*/false), "runs\n") << "the running container is never pruned";
}

TEST_F(ContainerPruneTest, DiskUsageCountsImagesContainersAndVolumes) {
  RunToExit("writer", "head -c 1048576 /dev/zero > /data1; head -c 65536 /dev/zero > /v/d",
            {"-v", "store:/v"});
  ASSERT_EQ(agent_.Cli({"volume", "create", "idle"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"run", "-d", "--name", "runs", "busybox", "sleep", "60"}).exit_code, 0);

  CommandResult json = agent_.Cli({"system", "df", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"writable_bytes\": \"1048576\""), std::string::npos)
      << "writer's layer: " << json.out;
  EXPECT_NE(
      json.out.find("\"name\": \"store\",\n   \"size_bytes\": \"65536\",\n   \"containers\": 1"),
      std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"name\": \"idle\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"containers\": 2"), std::string::npos)
      << "busybox has two containers: " << json.out;

  CommandResult table = agent_.Cli({"system", "df"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("TYPE"), std::string::npos) << table.out;
  // One image, in use: nothing of it reclaimable. Two containers, one running: writer's
  // megabyte is reclaimable. Two volumes, one used: idle's nothing.
  EXPECT_NE(table.out.find("\nImages          1       1        2.0 MiB    0 B (0%)\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("\nContainers      2       1        1.0 MiB    1.0 MiB (100%)\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("\nLocal Volumes   2       1        64.0 KiB   0 B (0%)\n"),
            std::string::npos)
      << table.out;

  CommandResult verbose = agent_.Cli({"system", "df", "-v"});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_NE(verbose.out.find("Containers space usage"), std::string::npos) << verbose.out;
  EXPECT_NE(verbose.out.find("writer"), std::string::npos) << verbose.out;
}

TEST_F(ContainerPruneTest, SystemPruneKeepsWhatRunsAndWhatItUses) {
  RunToExit("done", "true", {"-v", "/anon"});  // an anonymous volume
  ASSERT_EQ(agent_.Cli({"run", "-d", "--name", "runs", "busybox", "sleep", "60"}).exit_code, 0);

  CommandResult pruned = agent_.Cli({"system", "prune", "-a", "--volumes", "-f"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("Deleted Containers:\n"), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("Deleted Volumes:\n"), std::string::npos) << pruned.out;
  EXPECT_EQ(pruned.out.find("Deleted Images"), std::string::npos)
      << "busybox is used by the running container: " << pruned.out;
  EXPECT_EQ(Names(), "runs\n");
  CommandResult volumes = agent_.Cli({"volume", "ls", "-q"});
  EXPECT_EQ(volumes.out, "") << "the anonymous volume went with --volumes";

  ASSERT_EQ(agent_.Cli({"rm", "-f", "runs"}).exit_code, 0);
  CommandResult again = agent_.Cli({"system", "prune", "-a"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Deleted Images:\n"), std::string::npos) << again.out;
  CommandResult images = agent_.Cli({"image", "ls", "-q"});
  EXPECT_EQ(images.out, "") << "-a: every unused image";
  CommandResult check = agent_.Cli({"system", "check"});
  EXPECT_NE(check.out.find("no problems found"), std::string::npos) << check.out;
}

}  // namespace
}  // namespace boxcar::testing
