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

  // Usage errors name the command and its help, and exit 125 (as Docker's flag errors).
  CommandResult missing = agent_.Cli({"rm", "-f"});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("boxcar rm: container is required (see `boxcar rm --help`)"),
            std::string::npos)
      << missing.err;

  CommandResult extra = agent_.Cli({"ps", "--no-such-flag"});
  EXPECT_EQ(extra.exit_code, 125);
  EXPECT_NE(extra.err.find("not expected: --no-such-flag"), std::string::npos) << extra.err;

  CommandResult not_a_number = agent_.Cli({"stop", "-t", "abc", "x"});
  EXPECT_EQ(not_a_number.exit_code, 125);
  EXPECT_NE(not_a_number.err.find("boxcar stop: Could not convert: --time = abc"),
            std::string::npos)
      << not_a_number.err;

  // A command group alone prints its help, as Docker's.
  CommandResult no_command = agent_.Cli({});
  EXPECT_EQ(no_command.exit_code, 0);
  EXPECT_NE(no_command.out.find("Subcommands:"), std::string::npos) << no_command.out;
  CommandResult image_alone = agent_.Cli({"image"});
  EXPECT_EQ(image_alone.exit_code, 0);
  EXPECT_NE(image_alone.out.find("pull"), std::string::npos) << image_alone.out;

  // Unknown commands, with the Boxcar spelling of Docker's top-level ones.
  CommandResult volumes = agent_.Cli({"volumes"});
  EXPECT_EQ(volumes.exit_code, 125);
  EXPECT_NE(volumes.err.find("unknown command 'volumes'; did you mean `boxcar volume ls`?"),
            std::string::npos)
      << volumes.err;
  CommandResult images = agent_.Cli({"images", "-q"});
  EXPECT_EQ(images.exit_code, 0) << "Docker's `images` is Boxcar's too: " << images.err;
  CommandResult typo = agent_.Cli({"image", "lss"});
  EXPECT_EQ(typo.exit_code, 125);
  EXPECT_NE(typo.err.find("boxcar image: unknown command 'lss' (see `boxcar image --help`)"),
            std::string::npos)
      << typo.err;
}

// Docker's spellings and habits where they differed.
TEST_F(CliUsageTest, DockerHabits) {
  // A flag run, create or exec lacks was taken for the image or container name.
  CommandResult unknown_flag = agent_.Cli({"run", "--rm", "--gpus", "all", "busybox", "env"});
  EXPECT_EQ(unknown_flag.exit_code, 125);
  EXPECT_NE(unknown_flag.err.find("boxcar run: unknown flag: --gpus"), std::string::npos)
      << unknown_flag.err;
  CommandResult unknown_create = agent_.Cli({"create", "--isolation=hyperv", "busybox"});
  EXPECT_EQ(unknown_create.exit_code, 125);
  EXPECT_NE(unknown_create.err.find("unknown flag: --isolation"), std::string::npos)
      << unknown_create.err;
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << "nothing was created";
  // The payload keeps its own options.
  CommandResult dashes = agent_.Cli({"run", "--rm", "busybox", "echo", "-n", "x"});
  EXPECT_EQ(dashes.out, "x") << dashes.err;

  // -h is --hostname (it printed the help, exit 0, and ran nothing).
  CommandResult hostname = agent_.Cli({"run", "--rm", "-h", "myhost", "busybox", "hostname"});
  EXPECT_EQ(hostname.exit_code, 0) << hostname.err;
  EXPECT_EQ(hostname.out, "myhost\n");

  // create's failures exit 125, as run's.
  CommandResult no_image = agent_.Cli({"create", "no-such-image"});
  EXPECT_EQ(no_image.exit_code, 125) << no_image.err;

  // --pids-limit -1 is "no limit" (it wrapped to 2^64-1 and was refused as too large).
  const std::string unlimited = RunDetached({"--pids-limit", "-1"}, {"sleep", "30"});
  EXPECT_EQ(Inspect(unlimited).spec().limits().pids_max(), 0u);
  CommandResult negative = agent_.Cli({"run", "--rm", "--pids-limit", "-5", "busybox", "true"});
  EXPECT_EQ(negative.exit_code, 125);
  EXPECT_NE(negative.err.find("--pids-limit '-5' must be -1 or 0 (no limit) or more"),
            std::string::npos)
      << negative.err;
  CommandResult negative_shares = agent_.Cli({"create", "-c", "-5", "busybox"});
  EXPECT_NE(negative_shares.err.find("--cpu-shares '-5'"), std::string::npos)
      << negative_shares.err;
  CommandResult update = agent_.Cli({"update", "--pids-limit", "-1", unlimited});
  EXPECT_EQ(update.exit_code, 0) << update.err;

  // start of a running container: nothing happens, no error.
  const v1::Container before = Inspect(unlimited);
  CommandResult again = agent_.Cli({"start", unlimited});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Inspect(unlimited).pid(), before.pid());

  // Refusals say what to do next.
  CommandResult stopped = agent_.Cli({"create", "--name", "idle", "busybox", "true"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  CommandResult exec = agent_.Cli({"exec", "idle", "true"});
  EXPECT_NE(exec.err.find("idle is not running; start it first (boxcar start idle)"),
            std::string::npos)
      << exec.err;
  CommandResult range = agent_.Cli({"create", "-p", "8080-8081:80-81", "busybox"});
  EXPECT_NE(range.err.find("port ranges are not supported; give one -p per port"),
            std::string::npos)
      << range.err;
  CommandResult no_network = agent_.Cli({"create", "-p", "8080:80", "busybox"});
  EXPECT_NE(no_network.err.find("add --network boxcar0 (built in)"), std::string::npos)
      << no_network.err;
  CommandResult host = agent_.Cli({"create", "--network", "host", "-p", "8080:80", "busybox"});
  EXPECT_NE(host.err.find("the payload listens on the host's own ports"), std::string::npos)
      << host.err;
  const std::string missing_context = agent_.work_dir() + "/no-such-context";
  CommandResult context = agent_.Cli({"build", "-t", "x:1", missing_context});
  EXPECT_NE(context.err.find("context '" + missing_context +
                             "': No such file or directory; give the directory"),
            std::string::npos)
      << context.err;

  CommandResult stats = agent_.Cli({"stats", "--no-stream", "no-such-container"});
  EXPECT_NE(stats.exit_code, 0);
  EXPECT_EQ(stats.out, "") << "no empty table after the error";

  // wait prints each exit code and succeeds (it exited with the code: `set -e` scripts ended).
  ASSERT_EQ(agent_.Cli({"run", "--name", "three", "busybox", "sh", "-c", "exit 3"}).exit_code, 3);
  CommandResult waited = agent_.Cli({"wait", "three", "three"});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(waited.out, "3\n3\n");
  EXPECT_EQ(agent_.Cli({"rm", "-f", unlimited, "idle", "three"}).exit_code, 0);
}

}  // namespace
}  // namespace boxcar::testing
