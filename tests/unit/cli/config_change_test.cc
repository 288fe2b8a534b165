// Docker's --change of `commit` and `import`: the instructions accepted, the refusal naming the
// flag, and how an import's config takes them.
#include "cli/config_change.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

std::vector<std::string> Values(const v1::StringList& list) {
  return {list.values().begin(), list.values().end()};
}

TEST(ConfigChangeTest, ExecAndShellFormsAndTheOtherInstructions) {
  v1::CommitChanges changes;
  ASSERT_TRUE(ParseConfigChange("CMD [\"sh\", \"-c\", \"echo hi\"]", &changes).ok());
  EXPECT_EQ(Values(changes.cmd()), (std::vector<std::string>{"sh", "-c", "echo hi"}));
  ASSERT_TRUE(ParseConfigChange("cmd echo two", &changes).ok()) << "any case, as Docker";
  EXPECT_EQ(Values(changes.cmd()), (std::vector<std::string>{"/bin/sh", "-c", "echo two"}))
      << "the last CMD wins";
  ASSERT_TRUE(ParseConfigChange("ENTRYPOINT [\"/bin/env\"]", &changes).ok());
  EXPECT_EQ(Values(changes.entrypoint()), (std::vector<std::string>{"/bin/env"}));
  ASSERT_TRUE(ParseConfigChange("ENV A=1", &changes).ok());
  ASSERT_TRUE(ParseConfigChange("ENV B two words", &changes).ok());
  EXPECT_EQ(std::vector<std::string>(changes.env().begin(), changes.env().end()),
            (std::vector<std::string>{"A=1", "B=two words"}));
  ASSERT_TRUE(ParseConfigChange("WORKDIR /srv", &changes).ok());
  ASSERT_TRUE(ParseConfigChange("USER 1000:1000", &changes).ok());
  EXPECT_EQ(changes.working_dir(), "/srv");
  EXPECT_EQ(changes.user(), "1000:1000");
}

TEST(ConfigChangeTest, OthersAreRefusedNamingTheFlag) {
  for (const char* change : {"EXPOSE 80", "CMD", "CMD [\"unclosed\"", "CMD [1]", ""}) {
    v1::CommitChanges changes;
    Status parsed = ParseConfigChange(change, &changes);
    EXPECT_EQ(parsed.code(), StatusCode::kInvalidArgument) << change;
    EXPECT_NE(parsed.message().find("--change '" + std::string(change) + "'"), std::string::npos)
        << parsed.message();
  }
}

TEST(ConfigChangeTest, AnImportsConfigTakesTheChangesOverItsFlags) {
  v1::ImageConfig config;
  config.add_cmd("old");
  config.add_env("A=flag");
  config.add_env("KEEP=1");
  config.set_user("nobody");
  v1::CommitChanges changes;
  ASSERT_TRUE(ParseConfigChange("CMD [\"sh\"]", &changes).ok());
  ASSERT_TRUE(ParseConfigChange("ENV A=change", &changes).ok());
  ApplyConfigChanges(changes, &config);
  EXPECT_EQ(std::vector<std::string>(config.cmd().begin(), config.cmd().end()),
            (std::vector<std::string>{"sh"}));
  EXPECT_EQ(std::vector<std::string>(config.env().begin(), config.env().end()),
            (std::vector<std::string>{"KEEP=1", "A=change"}));
  EXPECT_EQ(config.user(), "nobody") << "not changed";
  EXPECT_TRUE(config.entrypoint().empty());
}

}  // namespace
}  // namespace boxcar::cli
