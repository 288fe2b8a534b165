// `exec` machinery end to end: a real boxcard runs a detached busybox `sleep 1000`, and the
// tests drive ExecLauncher (and through it `boxcar-shim exec`) against its PID 1 directly, as
// the agent's Exec RPC will.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "agent_harness.h"
#include "build_paths.h"
#include "cgroups/process_cgroups.h"
#include "common/atomic_file.h"
#include "common/process_start_time.h"
#include "launch/exec_launcher.h"
#include "launch/line_buffer.h"

extern char** environ;

namespace boxcar::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::string_literals;

struct ExecOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Appends what `fd` has to `sink`; false at EOF or on an error.
bool ReadSome(int fd, std::string* sink) {
  char buffer[4096];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) sink->append(buffer, static_cast<size_t>(n));
  return n > 0 || (n < 0 && errno == EINTR);
}

// Reads stdout and stderr of `session` to EOF (at most 10 s), then waits for it.
ExecOutput Finish(ExecSession& session) {
  ExecOutput output;
  std::vector<std::pair<int, std::string*>> open = {{session.stdout_fd(), &output.out}};
  if (session.stderr_fd() >= 0) open.push_back({session.stderr_fd(), &output.err});
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!open.empty() && Clock::now() < deadline) {
    std::vector<pollfd> entries;
    for (const auto& [fd, sink] : open) entries.push_back({fd, POLLIN, 0});
    if (::poll(entries.data(), entries.size(), 100) <= 0) continue;
    for (size_t i = entries.size(); i-- > 0;) {
      if (entries[i].revents && !ReadSome(entries[i].fd, open[i].second))
        open.erase(open.begin() + static_cast<long>(i));
    }
  }
  EXPECT_TRUE(open.empty()) << "the exec's output did not reach EOF within 10 s";
  auto code = session.Wait();
  EXPECT_TRUE(code.ok()) << code.status().message();
  output.exit_code = code.ok() ? *code : -1;
  return output;
}

// Reads `fd` into *seen until it holds `needle` (true) or 10 s have passed.
bool ReadUntil(int fd, const std::string& needle, std::string* seen) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (seen->find(needle) == std::string::npos) {
    if (Clock::now() > deadline) return false;
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 100) > 0 && !ReadSome(fd, seen)) return false;
  }
  return true;
}

bool ProcessExists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

std::set<pid_t> PidsIn(const std::string& procs_file) {
  std::set<pid_t> pids;
  std::ifstream procs(procs_file);
  for (pid_t pid; procs >> pid;) pids.insert(pid);
  return pids;
}

std::vector<std::string> MountPoints(const std::string& mountinfo) {
  std::vector<std::string> points;
  std::istringstream lines(mountinfo);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    points.push_back(field);
  }
  return points;
}

class ExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Writing to the stdin of a process that has gone must fail, not kill the test.
    ::signal(SIGPIPE, SIG_IGN);
    agent_.Start();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_FALSE(agent_.ImportBusybox().empty());
    CommandResult run = agent_.Cli(
        {"run", "-d", "--hostname", "exechost", "-w", "/srv/app", "busybox", "sleep", "1000"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    container_id_ = run.out.substr(0, run.out.find('\n'));
    CommandResult inspect = agent_.Cli({"inspect", "--json", container_id_});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    rapidjson::Document inspected;
    inspected.Parse(inspect.out.c_str());
    ASSERT_TRUE(inspected.IsArray() && inspected.Size() == 1) << inspect.out;
    const rapidjson::Value& container = inspected[0];
    ASSERT_TRUE(container.IsObject() && container.HasMember("pid") && container["pid"].IsInt())
        << inspect.out;
    init_pid_ = container["pid"].GetInt();
    ASSERT_GT(init_pid_, 0);
    auto ticks = ReadProcessStartTicks(init_pid_);
    ASSERT_TRUE(ticks.ok()) << ticks.status().message();
    init_start_ticks_ = *ticks;
    auto cgroups = CgroupProcsFilesToJoin(init_pid_);
    ASSERT_TRUE(cgroups.ok()) << cgroups.status().message();
    cgroup_procs_files_ = *cgroups;
    memory_procs_ = agent_.CgroupFile(container_id_, "memory", "cgroup.procs", "cgroup.procs");
  }

  void TearDown() override {
    agent_.RemoveAllContainers();
    EXPECT_EQ(agent_.LeftoverMounts(), "");
    EXPECT_EQ(agent_.LeftoverCgroups(), "");
    agent_.Stop();
    EXPECT_EQ(agent_.LeftoverShims(), "") << "every exec shim must have been reaped";
  }

  ExecSpec Spec(std::vector<std::string> argv) const {
    ExecSpec spec;
    spec.container_id = container_id_;
    spec.init_pid = init_pid_;
    spec.init_start_ticks = init_start_ticks_;
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    spec.cgroup_procs_files = cgroup_procs_files_;
    return spec;
  }

  std::unique_ptr<ExecSession> Start(const ExecSpec& spec) {
    auto session = launcher_.Start(spec);
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  // Runs `spec` to completion with `input` on its stdin.
  ExecOutput ExecWith(const ExecSpec& spec, const std::string& input = "") {
    auto session = Start(spec);
    if (!session) return {};
    if (!input.empty()) {
      EXPECT_EQ(::write(session->stdin_fd(), input.data(), input.size()),
                static_cast<ssize_t>(input.size()));
    }
    session->CloseStdin();
    return Finish(*session);
  }

  ExecOutput Exec(std::vector<std::string> argv) { return ExecWith(Spec(std::move(argv))); }

  AgentHarness agent_;
  ExecLauncher launcher_{BOXCAR_SHIM_PATH};
  std::string container_id_;
  pid_t init_pid_ = 0;
  uint64_t init_start_ticks_ = 0;
  std::vector<std::string> cgroup_procs_files_;
  std::string memory_procs_;
};

TEST_F(ExecTest, StdoutStderrAndExitCode) {
  ExecOutput result = Exec({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(Exec({"true"}).exit_code, 0);
}

TEST_F(ExecTest, StdinReachesTheProcess) {
  std::string input;
  for (int i = 0; i < 2000; ++i) input += "line " + std::to_string(i) + "\n";
  ExecOutput result = ExecWith(Spec({"cat"}), input);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, input);
}

TEST_F(ExecTest, EnvWorkingDirUserAndRlimits) {
  ExecSpec spec = Spec({"sh", "-c", "echo \"$GREETING\"; pwd; id -u; id -g; echo $HOSTNAME"});
  spec.env.push_back("GREETING=hi there");
  spec.working_dir = "/tmp";
  spec.user = "nobody";
  ExecOutput result = ExecWith(spec);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "hi there\n/tmp\n65534\n65534\nexechost\n");

  EXPECT_EQ(Exec({"pwd"}).out, "/srv/app\n") << "by default, the working dir of PID 1";
  ExecSpec numeric = Spec({"sh", "-c", "id -u; id -g; echo $HOME"});
  numeric.user = "1234:4321";
  EXPECT_EQ(ExecWith(numeric).out, "1234\n4321\n/\n");

  ExecSpec limited = Spec({"sh", "-c", "ulimit -n; ulimit -Hn"});
  limited.rlimits = {{"nofile", 256, 512}};
  EXPECT_EQ(ExecWith(limited).out, "256\n512\n");
}

TEST_F(ExecTest, SeesTheContainersProcessesHostnameAndNamespaces) {
  ExecOutput pid1 = Exec({"cat", "/proc/1/cmdline"});
  EXPECT_EQ(pid1.out, "sleep\0001000\0"s) << pid1.err;
  EXPECT_EQ(Exec({"hostname"}).out, "exechost\n");

  ExecOutput inside =
      Exec({"sh", "-c", "for n in ipc mnt net pid uts; do readlink /proc/self/ns/$n; done"});
  std::string expected;
  for (const char* name : {"ipc", "mnt", "net", "pid", "uts"}) {
    char target[256] = {};
    std::string link = "/proc/" + std::to_string(init_pid_) + "/ns/" + name;
    ASSERT_GT(::readlink(link.c_str(), target, sizeof target - 1), 0) << link;
    expected += std::string(target) + "\n";
  }
  EXPECT_EQ(inside.out, expected) << inside.err;
}

TEST_F(ExecTest, SeesTheContainersMountsAndNoHostPath) {
  ExecOutput mounts = Exec({"cat", "/proc/self/mountinfo"});
  ASSERT_EQ(mounts.exit_code, 0) << mounts.err;
  auto init_mounts = ReadFileToString("/proc/" + std::to_string(init_pid_) + "/mountinfo");
  ASSERT_TRUE(init_mounts.ok());
  EXPECT_EQ(MountPoints(mounts.out), MountPoints(*init_mounts));
  // The root is there once (the binds of /etc/hosts, resolv.conf and hostname, attached
  // before the pivot, are listed ahead of it).
  const std::vector<std::string> points = MountPoints(mounts.out);
  EXPECT_EQ(std::count(points.begin(), points.end(), "/"), 1);

  ExecOutput host_path = Exec({"ls", agent_.work_dir()});
  EXPECT_NE(host_path.exit_code, 0) << "the host's " << agent_.work_dir() << " is visible";
  EXPECT_EQ(Exec({"sh", "-c", "ls /sys/class/net | tr '\\n' ' '"}).out, "lo ");
}

TEST_F(ExecTest, JoinsTheContainersCgroups) {
  ASSERT_FALSE(cgroup_procs_files_.empty());
  auto init_cgroups = ReadFileToString("/proc/" + std::to_string(init_pid_) + "/cgroup");
  ASSERT_TRUE(init_cgroups.ok());
  EXPECT_EQ(Exec({"cat", "/proc/self/cgroup"}).out, *init_cgroups);

  auto session = Start(Spec({"sleep", "1000"}));
  ASSERT_TRUE(session);
  EXPECT_EQ(PidsIn(memory_procs_).count(session->pid()), 1u) << memory_procs_;
}

TEST_F(ExecTest, SameHardeningAsThePayload) {
  ExecOutput status = Exec({"grep", "-E", "^(CapBnd|NoNewPrivs|Seccomp):", "/proc/self/status"});
  EXPECT_EQ(status.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t0\nSeccomp:\t2\n") << status.err;
  ExecOutput mount = Exec({"mount", "-t", "tmpfs", "none", "/mnt"});
  EXPECT_NE(mount.exit_code, 0);
  EXPECT_NE(mount.err.find("denied"), std::string::npos) << mount.err;
  ExecOutput user_ns = Exec({"unshare", "-U", "true"});
  EXPECT_NE(user_ns.exit_code, 0);
  EXPECT_NE(user_ns.err.find("Operation not permitted"), std::string::npos) << user_ns.err;
  ExecOutput nsenter = Exec({"nsenter", "-t", "1", "-m", "true"});
  EXPECT_NE(nsenter.exit_code, 0) << "setns is refused inside";
}

TEST_F(ExecTest, CommandsThatCannotRunGiveDockersExitCodes) {
  int hint = 0;
  auto missing = launcher_.Start(Spec({"no-such-command"}), &hint);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(hint, 127);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("no-such-command"), std::string::npos)
      << missing.status().message();

  auto not_executable = launcher_.Start(Spec({"/etc/passwd"}), &hint);
  ASSERT_FALSE(not_executable.ok());
  EXPECT_EQ(hint, 126) << not_executable.status().message();

  ExecSpec bad_dir = Spec({"true"});
  bad_dir.working_dir = "/no/such/dir";
  auto in_missing_dir = launcher_.Start(bad_dir, &hint);
  ASSERT_FALSE(in_missing_dir.ok());
  EXPECT_EQ(hint, 125);
  EXPECT_NE(in_missing_dir.status().message().find("/no/such/dir"), std::string::npos);

  ExecSpec bad_user = Spec({"true"});
  bad_user.user = "nosuchuser";
  auto as_missing_user = launcher_.Start(bad_user, &hint);
  ASSERT_FALSE(as_missing_user.ok());
  EXPECT_NE(as_missing_user.status().message().find("nosuchuser"), std::string::npos);
}

TEST_F(ExecTest, DeadOrRecycledInitPidIsRefused) {
  pid_t gone = 0;
  char* true_argv[] = {const_cast<char*>("/bin/true"), nullptr};
  ASSERT_EQ(::posix_spawn(&gone, "/bin/true", nullptr, nullptr, true_argv, environ), 0);
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  ExecSpec dead = Spec({"true"});
  dead.init_pid = gone;
  auto refused = launcher_.Start(dead);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("not running"), std::string::npos)
      << refused.status().message();

  ExecSpec recycled = Spec({"true"});
  recycled.init_start_ticks += 1;
  auto wrong_process = launcher_.Start(recycled);
  ASSERT_FALSE(wrong_process.ok());
  EXPECT_EQ(wrong_process.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong_process.status().message().find("no longer"), std::string::npos)
      << wrong_process.status().message();

  ExecSpec no_command = Spec({});
  EXPECT_EQ(launcher_.Start(no_command).status().code(), StatusCode::kInvalidArgument);
}

// The launcher checks the start time before spawning; the shim checks again against its pidfd,
// which is what closes the race. This speaks the wire protocol to the shim directly.
TEST_F(ExecTest, ShimRefusesARecycledPidOnItsOwn) {
  int sockets[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], 3);
  char* argv[] = {const_cast<char*>("boxcar-shim"), const_cast<char*>("exec"), nullptr};
  pid_t shim = 0;
  ASSERT_EQ(::posix_spawn(&shim, BOXCAR_SHIM_PATH, &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(sockets[1]);
  ExecSpec recycled = Spec({"true"});
  recycled.init_start_ticks += 1;
  std::string line = ExecSpecToJson(recycled) + "\n";
  ASSERT_EQ(::write(sockets[0], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  LineBuffer replies;
  auto reply = replies.ReadLine(sockets[0]);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rfind("error 125 pid " + std::to_string(init_pid_) + " is no longer", 0), 0u)
      << *reply;
  int status = 0;
  ASSERT_EQ(::waitpid(shim, &status, 0), shim);
  EXPECT_EQ(WEXITSTATUS(status), 125);
  ::close(sockets[0]);
}

TEST_F(ExecTest, OnlyStdioReachesTheProcess) {
  for (bool tty : {false, true}) {
    ExecSpec spec = Spec({"sleep", "1000"});
    spec.tty = tty;
    auto session = Start(spec);
    ASSERT_TRUE(session);
    std::set<std::string> fds;
    DIR* dir = ::opendir(("/proc/" + std::to_string(session->pid()) + "/fd").c_str());
    ASSERT_NE(dir, nullptr);
    while (auto* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') fds.insert(entry->d_name);
    }
    ::closedir(dir);
    EXPECT_EQ(fds, (std::set<std::string>{"0", "1", "2"}))
        << "a descriptor leaked into the container (tty " << tty << ")";
  }
}

// gRPC workers start execs concurrently: a pipe of one session must never leak into the shim
// of another, or its `cat` would not see EOF.
TEST_F(ExecTest, ConcurrentExecsFromManyThreads) {
  constexpr int kThreads = 4;
  constexpr int kExecsPerThread = 5;
  std::vector<std::thread> threads;
  std::vector<int> correct(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kExecsPerThread; ++i) {
        std::string input = "thread " + std::to_string(t) + " exec " + std::to_string(i) + "\n";
        auto session = launcher_.Start(Spec({"cat"}));
        if (!session.ok()) continue;
        if (::write((*session)->stdin_fd(), input.data(), input.size()) < 0) continue;
        (*session)->CloseStdin();
        ExecOutput output = Finish(**session);
        if (output.exit_code == 0 && output.out == input) ++correct[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(correct[t], kExecsPerThread) << "thread " << t;
}

TEST_F(ExecTest, SignalAndNonBlockingWait) {
  auto sleeper = Start(Spec({"sleep", "1000"}));
  ASSERT_TRUE(sleeper);
  auto running = sleeper->TryWait();
  ASSERT_TRUE(running.ok()) << running.status().message();
  EXPECT_FALSE(running->has_value());
  ASSERT_TRUE(sleeper->Signal(SIGTERM).ok());
  EXPECT_EQ(Finish(*sleeper).exit_code, 128 + SIGTERM);
  EXPECT_FALSE(sleeper->Resize(10, 10).ok()) << "no tty to resize";

  auto quick = Start(Spec({"sh", "-c", "exit 9"}));
  ASSERT_TRUE(quick);
  pollfd exited{quick->exit_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&exited, 1, 10000), 1);
  auto code = quick->TryWait();
  ASSERT_TRUE(code.ok()) << code.status().message();
  EXPECT_EQ(code->value_or(-1), 9);
}

TEST_F(ExecTest, DroppedSessionLeavesNoProcessBehind) {
  std::set<pid_t> before = PidsIn(memory_procs_);
  ASSERT_FALSE(before.empty());
  for (bool tty : {false, true}) {
    ExecSpec spec = Spec({"sh", "-c", "sleep 1000 & sleep 1000; true"});
    spec.tty = tty;
    auto session = Start(spec);
    ASSERT_TRUE(session);
    pid_t pid = session->pid();
    pid_t shim = session->shim_pid();
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (PidsIn(memory_procs_).size() < before.size() + 3 && Clock::now() < deadline) {
      ::usleep(10000);
    }
    EXPECT_EQ(PidsIn(memory_procs_).size(), before.size() + 3) << "sh and two sleeps";
    session.reset();
    EXPECT_FALSE(ProcessExists(pid)) << "tty " << tty;
    EXPECT_FALSE(ProcessExists(shim)) << "tty " << tty;
    deadline = Clock::now() + std::chrono::seconds(5);
    while (PidsIn(memory_procs_) != before && Clock::now() < deadline) ::usleep(10000);
    EXPECT_EQ(PidsIn(memory_procs_), before) << "tty " << tty;
  }
}

TEST_F(ExecTest, ContainerExitEndsTheExec) {
  auto session = Start(Spec({"sleep", "1000"}));
  ASSERT_TRUE(session);
  CommandResult kill = agent_.Cli({"kill", container_id_});
  ASSERT_EQ(kill.exit_code, 0) << kill.err;
  EXPECT_EQ(Finish(*session).exit_code, 128 + SIGKILL);
  CommandResult wait = agent_.Cli({"wait", container_id_});
  EXPECT_EQ(wait.out, std::to_string(128 + SIGKILL) + "\n") << wait.err;
  EXPECT_EQ(wait.exit_code, 0) << "wait prints the code and succeeds, as Docker's";
}

TEST_F(ExecTest, TtyShowsTheContainersTerminalAndItsSize) {
  ExecSpec spec = Spec({"sh", "-c", "tty; stty size; echo to-stderr >&2; exit 2"});
  spec.tty = true;
  spec.tty_rows = 30;
  spec.tty_cols = 100;
  auto session = Start(spec);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->stderr_fd(), -1);
  session->CloseStdin();
  ExecOutput result = Finish(*session);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out.rfind("/dev/pts/", 0), 0u) << result.out;
  EXPECT_NE(result.out.find("\r\n30 100\r\nto-stderr\r\n"), std::string::npos) << result.out;
}

TEST_F(ExecTest, TtyResizeAndInteractiveShell) {
  ExecSpec spec = Spec({"sh"});
  spec.tty = true;
  spec.tty_rows = 30;
  spec.tty_cols = 100;
  auto session = Start(spec);
  ASSERT_TRUE(session);
  std::string seen;
  std::string command = "stty size; echo $TERM\n";
  ASSERT_EQ(::write(session->stdin_fd(), command.data(), command.size()),
            static_cast<ssize_t>(command.size()));
  ASSERT_TRUE(ReadUntil(session->stdout_fd(), "30 100\r\nxterm\r\n", &seen)) << seen;
  ASSERT_TRUE(session->Resize(50, 160).ok());
  command = "stty size\n";
  ASSERT_EQ(::write(session->stdin_fd(), command.data(), command.size()),
            static_cast<ssize_t>(command.size()));
  ASSERT_TRUE(ReadUntil(session->stdout_fd(), "50 160\r\n", &seen)) << seen;
  command = "exit 4\n";
  ASSERT_EQ(::write(session->stdin_fd(), command.data(), command.size()),
            static_cast<ssize_t>(command.size()));
  EXPECT_EQ(Finish(*session).exit_code, 4);
}

TEST_F(ExecTest, TtyEndOfInputEndsCat) {
  ExecSpec spec = Spec({"cat"});
  spec.tty = true;
  spec.user = "nobody";
  auto session = Start(spec);
  ASSERT_TRUE(session);
  std::string input = "hello\npartial";
  ASSERT_EQ(::write(session->stdin_fd(), input.data(), input.size()),
            static_cast<ssize_t>(input.size()));
  session->CloseStdin();
  ExecOutput result = Finish(*session);
  EXPECT_EQ(result.exit_code, 0);
  // The terminal echoes the input; cat prints each line (and the partial one) once more.
  EXPECT_EQ(result.out, "hello\r\npartialhello\r\npartial") << result.out;
}

TEST_F(ExecTest, NamespaceFilesWorkWherePidfdSetnsIsMissing) {
  ::setenv("BOXCAR_SHIM_EXEC_NS_FILES", "1", 1);
  ExecOutput result = Exec({"sh", "-c", "hostname; cat /proc/1/cmdline; pwd"});
  ::unsetenv("BOXCAR_SHIM_EXEC_NS_FILES");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "exechost\nsleep\0001000\0/srv/app\n"s);
}

}  // namespace
}  // namespace boxcar::testing
