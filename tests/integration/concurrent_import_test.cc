// Many `boxcar image import`s of one combined archive (`image save`'s default: an OCI layout
// and a docker-archive in one tar) at once. The manifest blob is the one no image record
// keeps: each import pins it while it needs it, and every import that ends deletes it unless
// pinned. It was pinned only after it had been renamed into place, and an import ending in
// that window deleted it from under another ("index.json: manifest ... is not in the
// archive"). The second test widens that window with a delay point (common/delay_points.h).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class ConcurrentImportTest : public ::testing::Test, public AgentFixture {
 protected:
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // `imports` concurrent imports of the combined archive of busybox, `rounds` times, the first
  // half of the rounds while the store has the image, the others after `image rm`.
  void ImportConcurrently(int imports, int rounds) {
    const std::string archive = agent_.work_dir() + "/busybox-combined.tar";
    CommandResult saved = agent_.Cli({"image", "save", "-o", archive, "busybox"});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    for (int round = 0; round < rounds; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      if (round >= rounds / 2) ASSERT_EQ(agent_.Cli({"image", "rm", "busybox"}).exit_code, 0);
      std::vector<std::thread> threads;
      std::vector<CommandResult> results(static_cast<size_t>(imports));
      for (size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back(
            [&, i] { results[i] = agent_.Cli({"image", "import", "-q", archive}); });
      }
      for (auto& thread : threads) thread.join();
      int failed = 0;
      for (const auto& result : results) {
        if (result.exit_code != 0 || result.out != image_id_ + "\n") ++failed;
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(result.out, image_id_ + "\n");
      }
      ASSERT_EQ(failed, 0) << "of " << imports << " imports";
      CommandResult check = agent_.Cli({"system", "check"});
      EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
      EXPECT_EQ(agent_.Cli({"run", "--rm", "busybox", "echo", "ok"}).out, "ok\n");
    }
  }
};

TEST_F(ConcurrentImportTest, ManyImportsOfTheCombinedArchiveAllSucceed) {
  StartAgentWithBusybox({});
  ASSERT_FALSE(HasFatalFailure());
  ImportConcurrently(12, 6);
}

// Each committed blob waits 40 ms under its name before its writer returns: without the pin
// taken before the rename, an import ending in that time deleted another's manifest in
// nearly every round.
TEST_F(ConcurrentImportTest, ImportsSucceedWhenCommittedBlobsLingerBeforeTheirPin) {
  agent_.Start({}, {"BOXCAR_DELAY_AT=blob.after_rename:40"});
  ASSERT_FALSE(HasFatalFailure());
  image_id_ = agent_.ImportBusybox();
  ASSERT_FALSE(image_id_.empty());
  ImportConcurrently(8, 4);
}

}  // namespace
}  // namespace boxcar::testing
