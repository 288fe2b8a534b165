#include "common/program_run.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

Status MakePipe(UniqueFd* read_end, UniqueFd* write_end, const std::string& what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe for " + what);
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return OkStatus();
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

StatusOr<ProgramOutput> RunProgram(const ProgramCall& call) {
  UniqueFd in_read, in_write, out_read, out_write, err_read, err_write;
  RETURN_IF_ERROR(MakePipe(&in_read, &in_write, call.path));
  RETURN_IF_ERROR(MakePipe(&out_read, &out_write, call.path));
  RETURN_IF_ERROR(MakePipe(&err_read, &err_write, call.path));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  std::vector<std::string> argv = call.argv.empty() ? std::vector<std::string>{call.path} : call.argv;
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(call.env);
  pid_t pid = 0;
  int spawn_error =
      ::posix_spawn(&pid, call.path.c_str(), &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) return ErrnoStatus("spawn '" + call.path + "'", spawn_error);
  in_read.reset();
  out_write.reset();
  err_write.reset();

  // stdin, stdout and stderr together: a program may answer before it read all its input.
  ProgramOutput output;
  size_t written = 0;
  if (call.stdin_bytes.empty()) in_write.reset();
  // A program that exits without reading its stdin must not kill the agent.
  (void)::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
  char buffer[8192];
  while (out_read || err_read) {
    pollfd fds[3];
    int n = 0;
    if (in_write) fds[n++] = {in_write.get(), POLLOUT, 0};
    if (out_read) fds[n++] = {out_read.get(), POLLIN, 0};
    if (err_read) fds[n++] = {err_read.get(), POLLIN, 0};
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (in_write && fds[i].fd == in_write.get()) {
        // NOTE: EPIPE (the program closed its stdin) needs SIGPIPE ignored, as boxcard does.
        ssize_t sent = ::write(in_write.get(), call.stdin_bytes.data() + written,
                               call.stdin_bytes.size() - written);
        if (sent > 0) written += static_cast<size_t>(sent);
        if ((sent < 0 && errno != EAGAIN && errno != EINTR) || written == call.stdin_bytes.size())
          in_write.reset();
        continue;
      }
      UniqueFd& source = (out_read && fds[i].fd == out_read.get()) ? out_read : err_read;
      std::string& sink = &source == &out_read ? output.stdout_bytes : output.stderr_bytes;
      ssize_t got = ::read(source.get(), buffer, sizeof(buffer));
      if (got > 0) {
        sink.append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        source.reset();
      }
    }
  }
  in_write.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoStatus("wait for '" + call.path + "'");
  }
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

}  // namespace boxcar
