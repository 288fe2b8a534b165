#include "common/program_run.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace boxcar {
namespace {

class ProgramRunTest : public ::testing::Test {
 protected:
  // As boxcard does: a program that closes its stdin early must not kill the caller.
  void SetUp() override { ::signal(SIGPIPE, SIG_IGN); }
};

TEST_F(ProgramRunTest, PassesStdinAndEnvironmentAndCapturesBothOutputsAndTheExitCode) {
  ProgramCall call;
  call.path = "/bin/sh";
  call.argv = {"sh", "-c", "cat; echo \"$ONLY\"; echo oops >&2; exit 3"};
  call.env = {"ONLY=set"};
  call.stdin_bytes = "in\n";
  auto output = RunProgram(call);
  ASSERT_TRUE(output.ok()) << output.status().message();
  EXPECT_EQ(output->exit_code, 3);
  EXPECT_EQ(output->stdout_bytes, "in\nset\n");
  EXPECT_EQ(output->stderr_bytes, "oops\n");
}

TEST_F(ProgramRunTest, LargeInputAndOutputDoNotDeadlock) {
  ProgramCall call;
  call.path = "/bin/cat";
  call.stdin_bytes = std::string(1 << 20, 'x');
  auto output = RunProgram(call);
  ASSERT_TRUE(output.ok());
  EXPECT_EQ(output->exit_code, 0);
  EXPECT_EQ(output->stdout_bytes.size(), size_t{1} << 20);
}

TEST_F(ProgramRunTest, AProgramThatIgnoresItsStdinAndAMissingOne) {
  ProgramCall call;
  call.path = "/bin/true";
  call.stdin_bytes = std::string(1 << 20, 'x');
  auto output = RunProgram(call);
  ASSERT_TRUE(output.ok());
  EXPECT_EQ(output->exit_code, 0);
  call.path = "/nonexistent/program";
  EXPECT_FALSE(RunProgram(call).ok());
}

}  // namespace
}  // namespace boxcar
