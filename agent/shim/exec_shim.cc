#include "shim/exec_shim.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/fd_io.h"
#include "common/unique_fd.h"
#include "launch/exec_spec.h"
#include "launch/line_buffer.h"
#include "shim/container_entry.h"
#include "shim/hardening.h"
#include "shim/process_setup.h"
#include "shim/pty_relay.h"
#include "common/pidfd.h"

namespace boxcar {

namespace {

constexpr int kIgnoredSignals[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT};
// With a tty, output still queued in the terminal when the process exits is relayed until the
// terminal reports that no slave is left, or until it has been idle this long (a background
// process may keep the slave open), and never for longer than the cap.
constexpr int kTtyDrainIdleMs = 200;
constexpr int kTtyDrainMaxMs = 2000;
// Opting into the pre-5.8 way of entering the namespaces lets the tests cover it.
constexpr char kUseNamespaceFilesVariable[] = "BOXCAR_SHIM_EXEC_NS_FILES";

struct CgroupFile {
  std::string path;
  UniqueFd fd;
};

// What the forked child needs besides the spec.
struct ChildSetup {
  std::vector<CgroupFile>* cgroups;
  int tty_slave;  // -1 without a tty
  int error_pipe;
};

void Reply(int control_fd, const std::string& line) {
  (void)WriteAll(control_fd, line + "\n", "the exec control socket");
}

int64_t NowMs() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

int ExitCodeOf(int wait_status) {
  return WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// The child of the shim, inside the container's namespaces and root: joins the cgroups, takes
// its terminal, then the same limits, user and hardening as the container's init.
[[noreturn]] void RunExecChild(const ExecSpec& spec, const ChildSetup& setup) {
  auto fail = [&](const std::string& message) {
    FailThroughPipe(setup.error_pipe, kExitSetupFailed, message);
  };
  auto check = [&](const std::string& error) {
    if (!error.empty()) fail(error);
  };
  for (int sig : kIgnoredSignals) ::signal(sig, SIG_DFL);
  // A shim that dies takes its process along (only the exec of a setuid binary clears this).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (const auto& cgroup : *setup.cgroups) {
    if (::write(cgroup.fd.get(), "0", 1) != 1)
      fail("join cgroup '" + cgroup.path + "': " + std::strerror(errno));
  }
  if (setup.tty_slave >= 0) {
    if (::setsid() < 0 || ::ioctl(setup.tty_slave, TIOCSCTTY, 0) != 0)
      fail(std::string("make the pty the controlling terminal: ") + std::strerror(errno));
    for (int fd = 0; fd <= 2; ++fd) {
      if (::dup2(setup.tty_slave, fd) < 0)
        fail(std::string("dup2 the pty: ") + std::strerror(errno));
    }
  } else {
    // Its own process group, so that killing the session reaches what it started.
    ::setpgid(0, 0);
  }
  check(ApplyRlimits(spec.rlimits));
  // --oom-score-adj, as the payload's (lowering it needs the capabilities dropped next).
  if (spec.oom_score_adj) check(SetOomScoreAdj(*spec.oom_score_adj));
  check(DropCapabilities(spec.kept_capabilities));
  ResolvedUser user;
  check(ResolveContainerUser(spec.user, spec.group_add, &user));
  // The terminal belongs to whoever uses it, as a login would leave it.
  if (setup.tty_slave >= 0) (void)!::fchown(setup.tty_slave, user.uid, static_cast<gid_t>(-1));
  check(FilterBeforeUserSwitch(spec.confinement, spec.kept_capabilities));
  check(SwitchToUser(user));
  if (!spec.working_dir.empty() && ::chdir(spec.working_dir.c_str()) != 0)
    fail("chdir working dir '" + spec.working_dir + "': " + std::strerror(errno));

  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  std::vector<std::string> env = WithDefaultVariables(spec.env, user, hostname);
  if (setup.tty_slave >= 0 && !HasVariable(env, "TERM")) env.push_back("TERM=xterm");
  HardenAndExec(spec.argv, std::move(env), spec.confinement, spec.kept_capabilities,
                setup.error_pipe);
}

class ExecSupervisor {
 public:
  // `control` holds whatever the agent sent after the spec.
  ExecSupervisor(int control_fd, LineBuffer control, pid_t child, UniqueFd child_pidfd,
                 int tty_master)
      : control_fd_(control_fd),
        control_(std::move(control)),
        child_(child),
        child_pidfd_(std::move(child_pidfd)),
        tty_master_(tty_master),
        input_(0, tty_master),
        output_(tty_master, 1) {}

  // Relays, obeys the agent, and returns the process's exit code once it has ended.
  int Run() {
    if (tty_master_ >= 0) {
      for (int fd : {0, 1, tty_master_}) SetNonBlocking(fd);
    }
    ObeyControlLines();
    while (!Finished()) {
      std::vector<struct pollfd> entries;
      entries.push_back({agent_gone_ ? -1 : control_fd_, POLLIN, 0});
      entries.push_back({exited_ ? -1 : child_pidfd_.get(), POLLIN, 0});
      if (tty_master_ >= 0) {
        entries.push_back(exited_ ? pollfd{-1, 0, 0} : input_.PollEntry());
        entries.push_back(output_.PollEntry());
      }
      int timeout_ms = exited_ ? kTtyDrainIdleMs : -1;
      int ready = ::poll(entries.data(), entries.size(), timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) break;  // a tty that stays quiet after the process ended
      if (entries[0].revents) ReadControl();
      if (entries[1].revents) Reap();
      if (tty_master_ >= 0) {
        if (entries[2].revents) input_.Transfer();
        if (entries[3].revents) output_.Transfer();
        if (input_.source_done() && !end_of_input_sent_) {
          end_of_input_sent_ = true;
          input_.Inject(PtyEndOfInput(tty_master_, input_.at_line_start()));
        }
      }
    }
    return ExitCodeOf(wait_status_);
  }

 private:
  bool Finished() const {
    if (!exited_) return false;
    if (tty_master_ < 0 || output_.finished()) return true;
    return NowMs() - exited_at_ms_ > kTtyDrainMaxMs;
  }

  void ReadControl() {
    ssize_t n = control_.ReadFrom(control_fd_);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      // The agent dropped the session (or died): nothing may outlive it.
      agent_gone_ = true;
      Kill(SIGKILL);
      return;
    }
    ObeyControlLines();
  }

  void ObeyControlLines() {
    while (auto line = control_.PopLine()) {
      std::istringstream words(*line);
      std::string verb;
      words >> verb;
      if (verb == "resize" && tty_master_ >= 0) {
        unsigned rows = 0, cols = 0;
        if (words >> rows >> cols && rows <= 0xffff && cols <= 0xffff)
          (void)ResizePty(tty_master_, static_cast<uint16_t>(rows), static_cast<uint16_t>(cols));
      } else if (verb == "signal") {
        int signal_number = 0;
        if (words >> signal_number && !exited_) ::kill(child_, signal_number);
      }
    }
  }

  void Kill(int signal_number) {
    if (exited_) return;
    ::kill(-child_, signal_number);
    ::kill(child_, signal_number);
  }

  void Reap() {
    while (::waitpid(child_, &wait_status_, 0) < 0 && errno == EINTR) {
    }
    exited_ = true;
    exited_at_ms_ = NowMs();
  }

  int control_fd_;
  LineBuffer control_;
  pid_t child_;
  UniqueFd child_pidfd_;
  int tty_master_;
  ByteRelay input_;   // fd 0 -> terminal
  ByteRelay output_;  // terminal -> fd 1
  bool agent_gone_ = false;
  bool exited_ = false;
  bool end_of_input_sent_ = false;
  int64_t exited_at_ms_ = 0;
  int wait_status_ = 0;
};

// Everything from the spec to "ok": returns the child's pid, or a "<code> <message>" failure.
struct Started {
  pid_t pid = 0;
  UniqueFd pidfd;
  ContainerPty pty;
  std::string failure;
};

Started StartProcess(const ExecSpec& spec) {
  Started started;
  auto fail = [&](const std::string& message) {
    started.failure = std::to_string(kExitSetupFailed) + " " + message;
    return std::move(started);
  };
  // Host paths first: once inside the container they are out of reach.
  ContainerEntry entry;
  std::string error =
      OpenContainerEntry(spec.init_pid, spec.init_start_ticks, spec.working_dir.empty(), &entry);
  if (!error.empty()) return fail(error);
  std::vector<CgroupFile> cgroups;
  for (const auto& path : spec.cgroup_procs_files) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return fail("open '" + path + "': " + std::strerror(errno));
    cgroups.push_back({path, std::move(fd)});
  }
  UniqueFd null_device(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_device) return fail(std::string("open /dev/null: ") + std::strerror(errno));

  const char* use_files = std::getenv(kUseNamespaceFilesVariable);
  error = EnterContainer(entry, use_files != nullptr && std::strcmp(use_files, "1") == 0);
  if (!error.empty()) return fail(error);
  if (spec.tty) {
    error = OpenContainerPty(spec.tty_rows, spec.tty_cols, &started.pty);
    if (!error.empty()) return fail(error);
  }
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0)
    return fail(std::string("pipe: ") + std::strerror(errno));
  UniqueFd error_read(error_pipe[0]);
  UniqueFd error_write(error_pipe[1]);

  // Forked after setns: only children enter the pid namespace.
  pid_t child = ::fork();
  if (child < 0) return fail(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    error_read.reset();
    RunExecChild(spec, {&cgroups, started.pty.slave.get(), error_write.get()});
  }
  error_write.reset();
  started.pty.slave.reset();
  cgroups.clear();
  if (!spec.tty) {
    // The process has fds 0-2 now; the shim's copies would hold the agent's pipes open.
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null_device.get(), fd);
  }
  started.pidfd = OpenPidfd(child);
  // EOF without a message: the exec succeeded (the pipe is close-on-exec).
  auto message = ReadAll(error_read.get(), "the exec error pipe");
  if (message.ok() && !message->empty()) {
    started.pidfd.reset();
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    started.failure = *message;
    return started;
  }
  if (!started.pidfd) {
    ::kill(child, SIGKILL);
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    return fail(std::string("pidfd_open of the process: ") + std::strerror(errno));
  }
  started.pid = child;
  return started;
}

}  // namespace

int RunExecShim(int control_fd) {
  // Only stdio and the control socket come from the agent.
  ::syscall(SYS_close_range, static_cast<unsigned>(control_fd) + 1, ~0U, 0U);
  ::setsid();
  for (int sig : kIgnoredSignals) ::signal(sig, SIG_IGN);
  // The shim holds host descriptors while it enters the container: no process there may
  // ptrace it or open its /proc entries.
  ::prctl(PR_SET_DUMPABLE, 0);

  LineBuffer control;
  std::optional<std::string> spec_line = control.ReadLine(control_fd);
  if (!spec_line) return kExitSetupFailed;  // the agent went away before sending the spec
  auto spec = ExecSpecFromJson(*spec_line);
  if (!spec.ok()) {
    Reply(control_fd, "error " + std::to_string(kExitSetupFailed) + " " + spec.status().message());
    return kExitSetupFailed;
  }
  Started started = StartProcess(*spec);
  if (!started.failure.empty()) {
    Reply(control_fd, "error " + started.failure);
    int code = std::atoi(started.failure.c_str());
    return code > 0 ? code : kExitSetupFailed;
  }
  Reply(control_fd, "ok " + std::to_string(started.pid));
  ExecSupervisor supervisor(control_fd, std::move(control), started.pid, std::move(started.pidfd),
                            started.pty.master.get());
  int exit_code = supervisor.Run();
  Reply(control_fd, "exit " + std::to_string(exit_code));
  return exit_code;
}

}  // namespace boxcar
