#include "launch/exec_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "common/process_start_time.h"
#include "launch/shim_spawn.h"
#include "common/pidfd.h"

namespace boxcar {

namespace {

// How long a dropped session waits for its shim to kill the process and leave before the
// shim is killed itself (its process then dies with it: PR_SET_PDEATHSIG).
constexpr int kShimExitTimeoutMs = 5000;

// send() rather than write(): a shim that is gone must not raise SIGPIPE in the agent.
Status SendAll(int socket, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(socket, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("write to boxcar-shim exec");
    sent += static_cast<size_t>(n);
  }
  return OkStatus();
}

int ReapShim(pid_t shim_pid) {
  int status = 0;
  while (::waitpid(shim_pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

StatusOr<Pipe> MakePipe(const char* what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(std::string("pipe for the exec's ") + what);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status CheckContainerInit(const ExecSpec& spec) {
  std::string container = "container " + spec.container_id + ": ";
  if (spec.argv.empty() || spec.argv[0].empty())
    return InvalidArgument(container + "exec needs a command");
  if (spec.init_pid <= 0 || spec.init_start_ticks == 0)
    return InvalidArgument(container + "exec needs the pid and start time of its init process");
  auto start_ticks = ReadProcessStartTicks(spec.init_pid);
  if (!start_ticks.ok()) {
    return FailedPrecondition(container + "its init process " + std::to_string(spec.init_pid) +
                              " is not running");
  }
  if (*start_ticks != spec.init_start_ticks) {
    return FailedPrecondition(container + "pid " + std::to_string(spec.init_pid) +
                              " is no longer its init process");
  }
  return OkStatus();
}

}  // namespace

ExecSession::ExecSession(pid_t shim_pid, UniqueFd shim_pidfd, UniqueFd control,
                         LineBuffer control_lines, pid_t pid, bool tty, UniqueFd stdin_fd,
                         UniqueFd stdout_fd, UniqueFd stderr_fd)
    : shim_pid_(shim_pid),
      shim_pidfd_(std::move(shim_pidfd)),
      pid_(pid),
      tty_(tty),
      stdin_(std::move(stdin_fd)),
      stdout_(std::move(stdout_fd)),
      stderr_(std::move(stderr_fd)),
      control_(std::move(control)),
      control_lines_(std::move(control_lines)) {}

ExecSession::~ExecSession() {
  std::lock_guard<std::mutex> lock(wait_mutex_);
  if (shim_reaped_) return;
  // The shim kills the process when its control socket closes; closed pipes unblock both.
  stdin_.reset();
  stdout_.reset();
  stderr_.reset();
  control_.reset();
  struct pollfd exited {
    shim_pidfd_.get(), POLLIN, 0
  };
  int ready = 0;
  do {
    ready = ::poll(&exited, 1, kShimExitTimeoutMs);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) ::syscall(SYS_pidfd_send_signal, shim_pidfd_.get(), SIGKILL, nullptr, 0);
  ReapShim(shim_pid_);
}

Status ExecSession::SendControl(const std::string& line) {
  std::lock_guard<std::mutex> lock(send_mutex_);
  return SendAll(control_.get(), line + "\n");
}

Status ExecSession::Resize(uint16_t rows, uint16_t cols) {
  if (!tty_) return FailedPrecondition("exec without a tty cannot be resized");
  return SendControl("resize " + std::to_string(rows) + " " + std::to_string(cols));
}

Status ExecSession::Signal(int signal_number) {
  if (signal_number <= 0 || signal_number >= NSIG)
    return InvalidArgument("signal " + std::to_string(signal_number) + " does not exist");
  return SendControl("signal " + std::to_string(signal_number));
}

Status ExecSession::CollectExit() {
  std::optional<std::string> line = control_lines_.ReadLine(control_.get());
  int status = ReapShim(shim_pid_);
  shim_reaped_ = true;
  std::istringstream words(line.value_or(""));
  std::string verb;
  int code = -1;
  if (words >> verb >> code && verb == "exit" && code >= 0) {
    exit_code_ = code;
    return OkStatus();
  }
  std::string how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                        : "exit status " + std::to_string(WEXITSTATUS(status));
  return Internal("boxcar-shim exec ended (" + how + ") without reporting the exit code");
}

StatusOr<std::optional<int>> ExecSession::TryWait() {
  std::lock_guard<std::mutex> lock(wait_mutex_);
  if (!shim_reaped_) {
    struct pollfd exited {
      shim_pidfd_.get(), POLLIN, 0
    };
    if (::poll(&exited, 1, 0) <= 0) return std::optional<int>();
    RETURN_IF_ERROR(CollectExit());
  }
  if (!exit_code_)
    return Internal("the exit code of exec'd process " + std::to_string(pid_) + " is lost");
  return exit_code_;
}

StatusOr<int> ExecSession::Wait() {
  std::lock_guard<std::mutex> lock(wait_mutex_);
  if (!shim_reaped_) RETURN_IF_ERROR(CollectExit());
  if (!exit_code_)
    return Internal("the exit code of exec'd process " + std::to_string(pid_) + " is lost");
  return *exit_code_;
}

StatusOr<std::unique_ptr<ExecSession>> ExecLauncher::Start(const ExecSpec& spec,
                                                           int* exit_code_hint) const {
  int ignored_hint = 0;
  if (exit_code_hint == nullptr) exit_code_hint = &ignored_hint;
  *exit_code_hint = 125;
  RETURN_IF_ERROR(CheckContainerInit(spec));

  ASSIGN_OR_RETURN(Pipe stdin_pipe, MakePipe("stdin"));
  ASSIGN_OR_RETURN(Pipe stdout_pipe, MakePipe("stdout"));
  Pipe stderr_pipe;
  if (!spec.tty) {
    ASSIGN_OR_RETURN(stderr_pipe, MakePipe("stderr"));
  }
  ASSIGN_OR_RETURN(ShimSocket sockets, MakeShimSocket("boxcar-shim exec"));
  UniqueFd control = std::move(sockets.agent_end);
  UniqueFd shim_end = std::move(sockets.shim_end);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_pipe.read_end.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_pipe.write_end.get(), 1);
  if (spec.tty) {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, stderr_pipe.write_end.get(), 2);
  }
  // Last: an earlier source may have been fd 3.
  posix_spawn_file_actions_adddup2(&actions, shim_end.get(), 3);
  auto shim_pid = SpawnShim(shim_path_, {"boxcar-shim", "exec"}, &actions);
  posix_spawn_file_actions_destroy(&actions);
  if (!shim_pid.ok()) return shim_pid.status();
  // The shim is our unreaped child, so this pidfd cannot name another process.
  UniqueFd shim_pidfd = OpenPidfd(*shim_pid);
  if (!shim_pidfd) {
    Status status = ErrnoStatus("pidfd_open of boxcar-shim exec");
    ::kill(*shim_pid, SIGKILL);
    ReapShim(*shim_pid);
    return status;
  }
  shim_end.reset();
  stdin_pipe.read_end.reset();
  stdout_pipe.write_end.reset();
  stderr_pipe.write_end.reset();

  // A failed write shows as the shim's missing reply below.
  (void)SendAll(control.get(), ExecSpecToJson(spec) + "\n");
  LineBuffer control_lines;
  std::optional<std::string> reply = control_lines.ReadLine(control.get());
  std::istringstream words(reply.value_or(""));
  std::string verdict;
  words >> verdict;
  pid_t pid = 0;
  if (verdict == "ok" && words >> pid && pid > 0) {
    return std::unique_ptr<ExecSession>(
        new ExecSession(*shim_pid, std::move(shim_pidfd), std::move(control),
                        std::move(control_lines), pid, spec.tty, std::move(stdin_pipe.write_end),
                        std::move(stdout_pipe.read_end), std::move(stderr_pipe.read_end)));
  }
  ReapShim(*shim_pid);
  if (verdict != "error") {
    return Internal("container " + spec.container_id + ": boxcar-shim exec exited without a reply");
  }
  int code = 125;
  words >> code;
  std::string message;
  std::getline(words, message);
  if (!message.empty() && message.front() == ' ') message.erase(0, 1);
  *exit_code_hint = code;
  if (code == 126 || code == 127) return InvalidArgument("command: " + message);
  return Internal("exec in container " + spec.container_id + ": " + message);
}

}  // namespace boxcar
