// CLI11 reports --help and usage errors by throwing; the static CLI finds the handlers through
// the --eh-frame-hdr table, not libgcc's frame registry (cli/eh_frame_registration.cc). Each
// must still end in its message and exit code, never in std::terminate.
#include <gtest/gtest.h>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class CliUsageTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

TEST_F(CliUsageTest, HelpAndUsageErrorsEndInTheirMessageAndExitCode) {
  CommandResult help = agent_.Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("Subcommands:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("\n  run "), std::string::npos) << help.out;

  CommandResult run_help = agent_.Cli({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0) << run_help.err;
  EXPECT_NE(run_help.out.find("-d,--detach"), std::string::npos) << run_help.out;

  CommandResult missing = agent_.Cli({"rm", "-f"});
  EXPECT_EQ(missing.exit_code, 106) << "CLI11's RequiredError";
  EXPECT_NE(missing.err.find("container is required"), std::string::npos) << missing.err;

  CommandResult extra = agent_.Cli({"ps", "--no-such-flag"});
  EXPECT_EQ(extra.exit_code, 109) << "CLI11's ExtrasError";
  EXPECT_NE(extra.err.find("not expected: --no-such-flag"), std::string::npos) << extra.err;

  CommandResult no_command = agent_.Cli({});
  EXPECT_EQ(no_command.exit_code, 106);
  EXPECT_NE(no_command.err.find("A subcommand is required"), std::string::npos)
      << no_command.err;
}

}  // namespace
}  // namespace boxcar::testing
