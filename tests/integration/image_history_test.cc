// `boxcar image history`: the steps of an image's config, newest first, each with its layer's
// size; an imported rootfs tarball (no history) shows one step per layer.
#include <gtest/gtest.h>

#include <algorithm>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class ImageHistoryTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

TEST_F(ImageHistoryTest, CommittedImagesShowTheirStepsNewestFirst) {
  CommandResult base = agent_.Cli({"image", "history", "busybox"});
  ASSERT_EQ(base.exit_code, 0) << base.err;
  EXPECT_EQ(base.out.rfind("CREATED", 0), 0u) << base.out;
  EXPECT_EQ(std::count(base.out.begin(), base.out.end(), '\n'), 2) << "header and one layer:\n"
                                                                     << base.out;
  ASSERT_EQ(agent_.Cli({"run", "--name", "maker", "busybox", "sh", "-c", "echo hi > /hi"}).exit_code,
            0);
  CommandResult committed =
      agent_.Cli({"commit", "-m", "a note of the commit", "maker", "noted:1"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  CommandResult history = agent_.Cli({"image", "history", "noted:1"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  size_t note = history.out.find("a note of the commit");
  ASSERT_NE(note, std::string::npos) << history.out;
  EXPECT_LT(note, history.out.find('\n', history.out.find('\n') + 1))
      << "the newest step is the first row:\n" << history.out;

  grpc::ClientContext context;
  v1::ImageHistoryRequest request;
  request.set_image("noted:1");
  v1::ImageHistoryResponse response;
  ASSERT_TRUE(agent_.images().History(&context, request, &response).ok());
  ASSERT_GE(response.entries_size(), 2);
  const auto& newest = response.entries(response.entries_size() - 1);
  EXPECT_EQ(newest.comment(), "a note of the commit");
  EXPECT_FALSE(newest.empty_layer());
  EXPECT_GT(newest.size_bytes(), 0u);
  EXPECT_GT(newest.created_unix_seconds(), 1700000000);
  EXPECT_EQ(newest.layer_diff_id().rfind("sha256:", 0), 0u);
  CommandResult json = agent_.Cli({"image", "history", "--json", "noted:1"});
  EXPECT_NE(json.out.find("\"comment\":\"a note of the commit\""), std::string::npos) << json.out;

  grpc::ClientContext unknown_context;
  request.set_image("nosuch:image");
  grpc::Status unknown = agent_.images().History(&unknown_context, request, &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message().rfind("image", 0), 0u) << unknown.error_message();
}

}  // namespace
}  // namespace boxcar::testing
