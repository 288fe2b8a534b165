// kill -9 of the agent in the middle of a commit and of a prune (the import's case is in
// image_commands_test.cc): after a restart no partial blob, layer or image is visible, `system
// check` finds nothing wrong, nothing is left in tmp/, and the operation then succeeds.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "image_test_support.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Polls `condition` every millisecond for up to `limit`; true once it holds.
bool WaitFor(const std::function<bool()>& condition, milliseconds limit) {
  auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return false;
}

bool HasEntryStartingWith(const std::string& dir, const std::string& prefix) {
  for (const auto& name : ListDirectoryNames(dir)) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

class ImageCrashTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // Runs `operation` on a thread, kills the agent with SIGKILL once `kill_when` holds (or at
  // once when it never does within 20 s, which fails the test), and starts it again.
  void KillNineDuring(const std::function<void()>& operation,
                      const std::function<bool()>& kill_when, const std::string& what) {
    std::thread client(operation);
    bool reached = WaitFor(kill_when, milliseconds(20000));
    ::kill(agent_.agent_pid(), SIGKILL);
    client.join();
    EXPECT_TRUE(reached) << what << ": never observed; killed anyway";
    agent_.Stop(/*kill9=*/true);
    if (on_killed_) on_killed_();
    RestartAgent();
    ASSERT_FALSE(HasFatalFailure());
  }

  // After a restart: the store is consistent and holds nothing half-made.
  void ExpectConsistentStore(const std::string& what) {
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << what << ":\n" << check.out << check.err;
    EXPECT_NE(check.out.find("no problems found"), std::string::npos) << what << ": " << check.out;
    EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/tmp").empty()) << what;
  }

  std::function<void()> on_killed_;  // runs between the kill and the restart
};

// The container keeps running, frozen while its upper directory becomes a layer: a kill at
// that moment must not leave it frozen either.
TEST_F(ImageCrashTest, KillNineDuringCommitLeavesNothingAndTheCommitThenSucceeds) {
  CommandResult started =
      agent_.Cli({"run", "-d", "busybox", "sh", "-c",
                  "head -c 67108864 /dev/urandom > /big && echo ready && sleep 1000"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, started.out.find('\n'));
  ASSERT_TRUE(WaitFor(
      [&] {
        return agent_.Cli({"logs", id}).out == "ready\n";
      },
      milliseconds(20000)));
  const size_t blobs_before = ListDirectoryNames(agent_.root_dir() + "/blobs/sha256").size();
  const std::string tmp = agent_.root_dir() + "/tmp";

  struct Point {
    std::string what;
    std::function<bool()> reached;
  } points[] = {
      // The layer blob is being written from the upper directory.
      {"writing the layer blob", [&] { return HasEntryStartingWith(tmp, "blob-"); }},
      // The blob is stored, not yet recorded; its copy is being unpacked.
      {"unpacking the committed layer", [&] { return HasEntryStartingWith(tmp, "unpack-"); }},
  };
  for (const auto& point : points) {
    SCOPED_TRACE(point.what);
    KillNineDuring(
        [&] {
          agent_.Cli({"commit", id, "crash/commit:1"});
        },
        point.reached, point.what);
    CommandResult images = agent_.Cli({"image", "ls", "-q", "--no-trunc"});
    EXPECT_EQ(images.out, image_id_ + "\n") << "no partial image";
    EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/blobs/sha256").size(), blobs_before)
        << "no blob of the interrupted commit";
    EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u) << "no new layer";
    ExpectConsistentStore(point.what);
    EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
    auto freezer =
        ReadFileToString(agent_.CgroupFile(id, "freezer", "freezer.state", "cgroup.freeze"));
    ASSERT_TRUE(freezer.ok()) << freezer.status().message();
    EXPECT_TRUE(*freezer == "THAWED\n" || *freezer == "0\n")
        << "the container was frozen for the commit and must not stay so: " << *freezer;
  }

  CommandResult committed = agent_.Cli({"commit", id, "crash/commit:1"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  CommandResult size = agent_.Cli({"run", "--rm", "crash/commit:1", "sh", "-c", "wc -c < /big"});
  EXPECT_EQ(size.out, "67108864\n") << size.err;
  ExpectConsistentStore("after the commit");
}

// An archive is read as it arrives, its members stored as blobs before any record exists: a
// kill then leaves blobs that the restart removes.
TEST_F(ImageCrashTest, KillNineDuringAnArchiveImportLeavesNothingAndTheImportThenSucceeds) {
  const std::string archive = WriteSingleLayerArchive(
      agent_.work_dir(), "big-archive", IncompressibleFiles("data/f", 48), R"(["big/archive:1"])");
  ASSERT_FALSE(archive.empty());
  const size_t blobs_before = ListDirectoryNames(agent_.root_dir() + "/blobs/sha256").size();
  const std::string blobs_dir = agent_.root_dir() + "/blobs/sha256";
  KillNineDuring(
      [&] {
        agent_.Cli({"image", "import", "-q", archive});
      },
      [&] { return ListDirectoryNames(blobs_dir).size() > blobs_before; },
      "the config stored, the layer arriving");
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
  EXPECT_EQ(ListDirectoryNames(blobs_dir).size(), blobs_before) << "the stored member is gone";
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u);
  ExpectConsistentStore("after the interrupted import");
  CommandResult imported = agent_.Cli({"image", "import", "-q", archive});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  // The layer (it has no shell to run): all 48 files in its directory.
  size_t data_files = 0;
  for (const auto& number : ListDirectoryNames(agent_.root_dir() + "/layers"))
    data_files += ListDirectoryNames(agent_.root_dir() + "/layers/" + number + "/data").size();
  EXPECT_EQ(data_files, 48u);
  ExpectConsistentStore("after the import");
}

// Prune removes the records in one transaction, then the files: a kill while a large layer
// directory is being removed leaves an orphan that the restart clears.
TEST_F(ImageCrashTest, KillNineDuringPruneLeavesAConsistentStore) {
  // An untagged image (prune's default target) with one layer of 20000 files.
  std::vector<TarMember> files;
  for (int i = 0; i < 20000; ++i)
    files.push_back({TarMember::kFile, "many/f" + std::to_string(i), std::to_string(i)});
  const std::string archive = WriteSingleLayerArchive(agent_.work_dir(), "untagged", files, "[]");
  ASSERT_FALSE(archive.empty());
  CommandResult imported = agent_.Cli({"image", "import", "-q", archive});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string untagged_id = imported.out.substr(0, imported.out.find('\n'));
  auto layers = ListDirectoryNames(agent_.root_dir() + "/layers");
  ASSERT_EQ(layers.size(), 2u);
  std::string many_dir;
  for (const auto& number : layers) {
    std::string candidate = agent_.root_dir() + "/layers/" + number + "/many";
    if (!ListDirectoryNames(candidate).empty()) many_dir = candidate;
  }
  ASSERT_FALSE(many_dir.empty());

  size_t left_at_kill = 0;
  on_killed_ = [&] { left_at_kill = ListDirectoryNames(many_dir).size(); };
  KillNineDuring(
      [&] {
        agent_.Cli({"image", "prune"});
      },
      [&] { return ListDirectoryNames(many_dir).size() < 19000; },
      "removing the pruned layer's files");
  EXPECT_GT(left_at_kill, 0u) << "the kill landed while the layer directory was being removed";
  CommandResult images = agent_.Cli({"image", "ls", "-q", "--no-trunc"});
  EXPECT_EQ(images.out, image_id_ + "\n") << "the records went in one transaction";
  EXPECT_EQ(agent_.Cli({"image", "inspect", untagged_id}).exit_code, 1);
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u)
      << "the half-removed layer directory is gone after the restart";
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/blobs/sha256").size(), 2u)
      << "busybox's layer and config only";
  ExpectConsistentStore("after the interrupted prune");
  CommandResult again = agent_.Cli({"image", "prune"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "Reclaimed: 0 B\n");
  // And the image imports again.
  CommandResult reimported = agent_.Cli({"image", "import", "-q", archive});
  EXPECT_EQ(reimported.out, imported.out) << reimported.err;
  ExpectConsistentStore("after the re-import");
}

}  // namespace
}  // namespace boxcar::testing
