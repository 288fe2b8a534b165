// Interactive containers on every backend with the "terminal" capability: `run -it`, `-i`,
// `-t`, `attach` with Docker's detach keys, `start -ai`, driven through the real CLI on a
// pseudo-terminal of the test's own (pty_process.h), as a user at a terminal would.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "agent_fixture.h"
#include "pty_process.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kTimeout = seconds(15);
// busybox sh's prompt for root.
constexpr char kPrompt[] = "# ";
constexpr char kDetachKeys[] = "\x10\x11";  // Ctrl-P Ctrl-Q

class TerminalTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override {
    StartBackendAgent(GetParam());
    if (!HasFatalFailure() && !Has("terminal")) {
      GTEST_SKIP() << "backend " << GetParam() << " has no terminal capability";
    }
  }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::unique_ptr<PtyProcess> Cli(const std::vector<std::string>& args, unsigned short rows = 24,
                                  unsigned short columns = 80) {
    auto process = std::make_unique<PtyProcess>(agent_.socket_path(), args, rows, columns);
    EXPECT_TRUE(process->started());
    return process;
  }
};

TEST_P(TerminalTest, RunItShowsOutputAndReturnsTheExitCode) {
  auto run = Cli({"run", "--rm", "-it", "busybox", "sh"});
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout)) << run->output();
  run->Type("echo hi-$((40+2)); exit 3\r");
  EXPECT_EQ(run->Wait(kTimeout), 3) << run->output();
  EXPECT_NE(run->output().find("hi-42"), std::string::npos) << run->output();
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "--rm: the container must be gone";
}

TEST_P(TerminalTest, CtrlCInterruptsTheForegroundCommand) {
  auto run = Cli({"run", "--rm", "-it", "busybox", "sh"});
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout)) << run->output();
  const auto typed = std::chrono::steady_clock::now();
  run->Type("sleep 60\r");
  std::this_thread::sleep_for(milliseconds(500));
  size_t before_interrupt = run->output().size();
  run->Type("\x03");
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout, before_interrupt)) << run->output();
  EXPECT_LT(std::chrono::steady_clock::now() - typed, seconds(30)) << "sleep was not interrupted";
  run->Type("echo after-$((1+1)); exit 5\r");
  EXPECT_EQ(run->Wait(kTimeout), 5) << run->output();
  EXPECT_NE(run->output().find("after-2"), std::string::npos) << run->output();
}

// The terminal is the payload's controlling terminal, one of its container's own devpts, as
// Docker gives it: `tty` names a /dev/pts/N that exists inside, the shell's tty_nr is set,
// /dev/tty works and Ctrl-Z stops the foreground job. On lxc the payload had none (liblxc
// starts it without one): "can't access tty", `tty` said "not a tty", Ctrl-Z did nothing.
TEST_P(TerminalTest, TheTerminalIsThePayloadsControllingTerminal) {
  auto run = Cli({"run", "--rm", "-it", "busybox", "sh"});
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout)) << run->output();
  EXPECT_EQ(run->output().find("can't access tty"), std::string::npos) << run->output();
  run->Type("t=$(tty); case $t in /dev/pts/[0-9]*) [ -c $t ] && echo pts-$((2*3));; esac\r");
  EXPECT_TRUE(run->WaitFor("pts-6", kTimeout)) << run->output();
  // /proc/PID/stat's 7th field, tty_nr: 0 without a controlling terminal.
  run->Type("read -r _ _ _ _ _ _ nr _ < /proc/$$/stat; [ $nr -ne 0 ] && echo ctty-$((3*3))\r");
  EXPECT_TRUE(run->WaitFor("ctty-9", kTimeout)) << run->output();
  run->Type("echo dev-tty-$((4*4)) > /dev/tty\r");
  EXPECT_TRUE(run->WaitFor("dev-tty-16", kTimeout)) << run->output();

  run->Type("sleep 60\r");
  std::this_thread::sleep_for(milliseconds(500));
  size_t before_suspend = run->output().size();
  run->Type("\x1a");  // Ctrl-Z
  ASSERT_TRUE(run->WaitFor("Stopped", kTimeout, before_suspend)) << run->output();
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout, before_suspend)) << run->output();
  // Back in the foreground, where Ctrl-C ends it.
  size_t before_resume = run->output().size();
  run->Type("fg\r");
  ASSERT_TRUE(run->WaitFor("sleep 60", kTimeout, before_resume)) << run->output();
  std::this_thread::sleep_for(milliseconds(300));
  size_t before_interrupt = run->output().size();
  run->Type("\x03");
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout, before_interrupt)) << run->output();
  run->Type("exit 7\r");
  EXPECT_EQ(run->Wait(kTimeout), 7) << run->output();
}

TEST_P(TerminalTest, TheTerminalHasTheSizeOfTheClientsAndFollowsItsChanges) {
  auto run = Cli({"run", "--rm", "-it", "busybox", "sh"}, 30, 100);
  ASSERT_TRUE(run->WaitFor(kPrompt, kTimeout)) << run->output();
  run->Type("stty size\r");
  EXPECT_TRUE(run->WaitFor("30 100", kTimeout)) << run->output();
  size_t before_resize = run->output().size();
  run->Resize(50, 132);
  // The resize travels CLI -> agent -> shim; the next command sees it.
  std::this_thread::sleep_for(milliseconds(500));
  run->Type("stty size\r");
  EXPECT_TRUE(run->WaitFor("50 132", kTimeout, before_resize)) << run->output();
  run->Type("exit\r");
  EXPECT_EQ(run->Wait(kTimeout), 0) << run->output();
}

TEST_P(TerminalTest, RunIPassesStdinWithoutATerminal) {
  auto run = Cli({"run", "--rm", "-i", "busybox", "sh", "-c",
                  "[ -t 0 ] || echo no-tty; read line; echo got-$line; exit 2"});
  run->Type("abc\n");
  EXPECT_EQ(run->Wait(kTimeout), 2) << run->output();
  EXPECT_NE(run->output().find("no-tty"), std::string::npos) << run->output();
  EXPECT_NE(run->output().find("got-abc"), std::string::npos) << run->output();
  // And from a pipe, through the CLI's own stdin reaching EOF.
  CommandResult piped = agent_.Cli({"run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo end"});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, "end\n") << "the CLI's stdin (/dev/null) ends the container's";
}

TEST_P(TerminalTest, RunTGivesATerminalWithoutInput) {
  CommandResult run = agent_.Cli({"run", "--rm", "-t", "busybox", "sh", "-c",
                                   "[ -t 0 ] && [ -t 1 ] && echo is-a-tty; exit 4"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.out.find("is-a-tty\r\n"), std::string::npos) << run.out;
}

TEST_P(TerminalTest, AttachDetachesWithCtrlPCtrlQAndAttachesAgain) {
  std::string id = RunDetached({"-i", "-t", "--name", "console"}, {"sh"});
  ASSERT_EQ(id.size(), 64u);
  {
    auto attach = Cli({"attach", "console"});
    attach->Type("\r");
    ASSERT_TRUE(attach->WaitFor(kPrompt, kTimeout)) << attach->output();
    attach->Type("echo one-$((2+3))\r");
    ASSERT_TRUE(attach->WaitFor("one-5", kTimeout)) << attach->output();
    attach->Type(kDetachKeys);
    EXPECT_EQ(attach->Wait(kTimeout), 0) << attach->output();
  }
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING) << "a detach leaves it running";
  auto attach = Cli({"attach", "console"});
  attach->Type("echo two-$((3+4))\r");
  ASSERT_TRUE(attach->WaitFor("two-7", kTimeout)) << attach->output();
  EXPECT_EQ(attach->output().find("one-5"), std::string::npos)
      << "attach shows output from now on: " << attach->output();
  attach->Type("exit 4\r");
  EXPECT_EQ(attach->Wait(kTimeout), 4) << attach->output();
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_EXITED);
  // What the terminal showed is in the logs too.
  CommandResult logs = agent_.Cli({"logs", "console"});
  EXPECT_NE(logs.out.find("one-5"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("two-7"), std::string::npos) << logs.out;
}

TEST_P(TerminalTest, StartAiAttachesToACreatedContainer) {
  CommandResult created = agent_.Cli({"create", "-i", "-t", "--name", "later", "busybox", "sh"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto start = Cli({"start", "-a", "-i", "later"});
  ASSERT_TRUE(start->WaitFor(kPrompt, kTimeout)) << start->output();
  start->Type("echo started-$((1+5)); exit 6\r");
  EXPECT_EQ(start->Wait(kTimeout), 6) << start->output();
  EXPECT_NE(start->output().find("started-6"), std::string::npos) << start->output();
}

TEST_P(TerminalTest, AFullTerminalNobodyReadsDoesNotBlockThePayload) {
  // ~200 KB through a terminal whose buffer holds a few KB, with nobody attached.
  std::string id = RunDetached(
      {"-t"}, {"sh", "-c",
               "i=0; while [ $i -lt 3000 ]; do "
               "echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
               "i=$((i+1)); done; echo all-written"});
  CommandResult wait = agent_.Cli({"wait", id});
  EXPECT_EQ(wait.exit_code, 0) << wait.err;
  EXPECT_EQ(wait.out, "0\n");
  CommandResult logs = agent_.Cli({"logs", id});
  EXPECT_NE(logs.out.find("line-2999-"), std::string::npos);
  EXPECT_NE(logs.out.find("all-written"), std::string::npos);
}

TEST_P(TerminalTest, AttachToAContainerThatDoesNotRunNamesIt) {
  CommandResult created = agent_.Cli({"create", "-i", "-t", "--name", "idle", "busybox", "sh"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult attach = agent_.Cli({"attach", "idle"});
  EXPECT_EQ(attach.exit_code, 125);
  EXPECT_NE(attach.err.find("idle is not running"), std::string::npos) << attach.err;
  CommandResult missing = agent_.Cli({"attach", "no-such-container"});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("no-such-container"), std::string::npos) << missing.err;
  // Over gRPC: FAILED_PRECONDITION naming the field and the container.
  grpc::ClientContext context;
  auto stream = agent_.containers().Attach(&context);
  v1::AttachRequest request;
  request.mutable_start()->set_container("idle");
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  v1::AttachResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("start.container: idle"), std::string::npos)
      << status.error_message();
}

// `start` for a container that already runs attaches to it (as `docker start -a`): it used to
// start it again, fail, and with `remove` remove the running container. A forwarded signal 0
// is a probe, not Kill's default SIGKILL.
TEST_P(TerminalTest, StartingAttachToARunningContainerAttachesAndKeepsIt) {
  CommandResult run = agent_.Cli({"run", "-d", "-i", "-t", "--name", "live", "busybox", "sh"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  {
    grpc::ClientContext context;
    auto stream = agent_.containers().Attach(&context);
    v1::AttachRequest request;
    request.mutable_start()->set_container("live");
    request.mutable_start()->set_start(true);
    request.mutable_start()->set_remove(true);
    ASSERT_TRUE(stream->Write(request));
    v1::AttachResponse response;
    ASSERT_TRUE(stream->Read(&response)) << stream->Finish().error_message();
    ASSERT_TRUE(response.has_attached());
    EXPECT_EQ(response.attached().state(), v1::CONTAINER_STATE_RUNNING);
    v1::AttachRequest probe;  // signal 0, as kill(pid, 0): nothing is sent
    probe.set_signal(0);
    ASSERT_TRUE(stream->Write(probe));
    std::this_thread::sleep_for(milliseconds(300));
    context.TryCancel();
    (void)stream->Finish();
  }
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(Inspect("live").state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(agent_.Cli({"exec", "live", "true"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TerminalTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
