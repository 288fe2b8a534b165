// The CLI adds its messages' descriptors to protobuf's pool at their first use, not before
// main (cli/lazy_descriptors.cc). Its JSON, which is the first use, must still print
// every field of the agent's answer, those of imported files (networks.proto's NetworkSpec
// inside a ContainerSpec) included.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class CliJsonTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << json;
  return message;
}

TEST_F(CliJsonTest, InspectPrintsEveryFieldTheAgentAnswers) {
  std::string id = RunDetached({"--name", "json", "-l", "tier=front", "-e", "A=b", "-m", "64m",
                                "--restart", "on-failure:3", "--network", "none"},
                               {"sleep", "60"});
  v1::Container expected = Inspect(id);
  ASSERT_EQ(expected.spec().network().mode(), "none") << expected.DebugString();
  ASSERT_GT(expected.spec().limits().memory_bytes(), 0) << expected.DebugString();

  CommandResult inspected = agent_.Cli({"inspect", "json"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  v1::Container printed = FromJson<v1::Container>(inspected.out);
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(expected, printed)) << differences;
  // Fields at their default are printed too, by their proto names.
  EXPECT_NE(inspected.out.find("\"oom_killed\": false"), std::string::npos) << inspected.out;
}

TEST_F(CliJsonTest, SystemCheckPrintsItsAnswer) {
  CommandResult checked = agent_.Cli({"system", "check", "--json"});
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  v1::CheckResponse response = FromJson<v1::CheckResponse>(checked.out);
  EXPECT_EQ(response.problems_size(), 0) << checked.out;
  EXPECT_GT(response.blobs_checked(), 0u) << checked.out;
}

}  // namespace
}  // namespace boxcar::testing
