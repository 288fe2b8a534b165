#include "launch/shim_launcher.h"

#include "launch/shim_reply.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "common/fd_io.h"
#include "common/unique_fd.h"
#include "launch/line_buffer.h"
#include "launch/shim_spawn.h"

namespace boxcar {

PendingShim::~PendingShim() {
  if (pid_ <= 0) return;
  socket_.reset();  // EOF: the shim gives up and exits
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

StatusOr<PendingShim> ShimLauncher::Spawn(const std::string& shim_log_path,
                                          SpawnPriority priority) const {
  ASSIGN_OR_RETURN(ShimSocket sockets, MakeShimSocket("boxcar-shim"));
  UniqueFd agent_end = std::move(sockets.agent_end);
  UniqueFd shim_end = std::move(sockets.shim_end);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, shim_log_path.c_str(),
                                   O_WRONLY | O_APPEND | O_CREAT, 0640);
  posix_spawn_file_actions_adddup2(&actions, shim_end.get(), 3);
  auto shim_pid = SpawnShim(shim_path_, {"boxcar-shim"}, &actions, priority);
  posix_spawn_file_actions_destroy(&actions);
  if (!shim_pid.ok()) return shim_pid.status();
  return PendingShim(*shim_pid, std::move(agent_end));
}

StatusOr<LaunchedProcesses> ShimLauncher::Deliver(PendingShim shim, const LaunchSpec& spec,
                                                  int* exit_code_hint) const {
  *exit_code_hint = 125;
  int socket = shim.socket_.get();
  // Lines from the shim: "ready <netns made>" once its network namespace exists, then the
  // verdict. `pending` keeps what was read past the first line.
  LineBuffer pending;
  auto read_line = [&]() {
    while (!pending.HasLine()) {
      ssize_t n = pending.ReadFrom(socket);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
    }
    return pending.TakeLineOrRest();
  };
  if (spec.prepare_network) {
    std::string ready = read_line();
    if (ready.rfind("ready 1", 0) != 0) {
      return Internal("boxcar-shim made no network namespace for the container (" +
                      (ready.empty() ? std::string("no reply") : ready.substr(0, ready.size() - 1)) +
                      ")");
    }
    RETURN_IF_ERROR(spec.prepare_network(shim.pid()));
  }
  // A failed write shows as the shim's missing reply below.
  (void)WriteAll(socket, LaunchSpecToJson(spec), "the launch spec to boxcar-shim");
  ::shutdown(socket, SHUT_WR);

  std::string reply = read_line();
  if (reply.rfind("ready ", 0) == 0) reply = read_line();

  std::istringstream words(reply);
  std::string verdict;
  words >> verdict;
  if (verdict == "ok") {
    LaunchedProcesses launched;
    words >> launched.shim_pid >> launched.init_pid;
    if (launched.shim_pid == shim.pid() && launched.init_pid > 0) {
      shim.pid_ = 0;  // running: the exit monitor reaps it from now on
      return launched;
    }
  }
  // The shim failed; ~PendingShim reaps it so no zombie is left behind.
  std::string log_hint = spec.shim_log_path.empty() ? "" : " (see " + spec.shim_log_path + ")";
  if (verdict == "error") {
    return ShimErrorStatus(words, exit_code_hint);
  }
  return Internal("boxcar-shim exited without a reply" + log_hint);
}

StatusOr<LaunchedProcesses> ShimLauncher::Launch(const LaunchSpec& spec,
                                                 const std::string& shim_log_path,
                                                 int* exit_code_hint) const {
  *exit_code_hint = 125;
  ASSIGN_OR_RETURN(PendingShim shim, Spawn(shim_log_path));
  return Deliver(std::move(shim), spec, exit_code_hint);
}

}  // namespace boxcar
