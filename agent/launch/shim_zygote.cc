#include "launch/shim_zygote.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/descriptor_message.h"
#include "launch/shim_spawn.h"

namespace boxcar {

namespace {

// A zygote's reply arrives within a millisecond; on a saturated host it may wait for CPU
// time, but not forever.
constexpr int kReplyTimeoutSeconds = 10;

Status SendDescriptors(int socket, char byte, int control_fd, int log_fd) {
  DescriptorMessage<2> request(byte);
  struct msghdr& message = request.message;
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(2 * sizeof(int));
  const int fds[2] = {control_fd, log_fd};
  std::memcpy(CMSG_DATA(header), fds, sizeof fds);
  for (;;) {
    if (::sendmsg(socket, &message, MSG_NOSIGNAL) == 1) return OkStatus();
    if (errno != EINTR) return ErrnoStatus("send a request to the boxcar-shim zygote");
  }
}

}  // namespace

StatusOr<std::unique_ptr<ShimZygote>> ShimZygote::Start(const std::string& shim_path,
                                                         const std::string& log_path) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
    return ErrnoStatus("socketpair for the boxcar-shim zygote");
  }
  UniqueFd agent_end(sockets[0]), zygote_end(sockets[1]);
  struct timeval timeout {kReplyTimeoutSeconds, 0};
  if (::setsockopt(agent_end.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
    return ErrnoStatus("set the boxcar-shim zygote's reply timeout");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT,
                                   0640);
  posix_spawn_file_actions_adddup2(&actions, zygote_end.get(), 3);
  auto pid = SpawnShim(shim_path, {"boxcar-shim", "zygote"}, &actions, SpawnPriority::kNormal);
  posix_spawn_file_actions_destroy(&actions);
  if (!pid.ok()) return pid.status();
  return std::make_unique<ShimZygote>(*pid, std::move(agent_end));
}

ShimZygote::~ShimZygote() {
  socket_.reset();  // EOF: the zygote exits
  if (pid_ <= 0) return;
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

StatusOr<PendingShim> ShimZygote::Fork(const std::string& shim_log_path, SpawnPriority priority) {
  ASSIGN_OR_RETURN(ShimSocket sockets, MakeShimSocket("boxcar-shim"));
  UniqueFd log(::open(shim_log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!log) return ErrnoStatus("open the shim log '" + shim_log_path + "'");
  const char request = priority == SpawnPriority::kIdle ? 'i' : 'n';
  RETURN_IF_ERROR(SendDescriptors(socket_.get(), request, sockets.shim_end.get(), log.get()));
  sockets.shim_end.reset();  // the shim's own copy is the only one left
  int32_t reply = 0;
  ssize_t n;
  while ((n = ::recv(socket_.get(), &reply, sizeof reply, 0)) < 0 && errno == EINTR) {
  }
  if (n < 0) return ErrnoStatus("read the boxcar-shim zygote's reply");
  if (n != sizeof reply) return Internal("the boxcar-shim zygote exited");
  if (reply < 0) {
    return ErrnoStatus("the boxcar-shim zygote could not fork a shim", static_cast<int>(-reply));
  }
  return PendingShim(static_cast<pid_t>(reply), std::move(sockets.agent_end));
}

}  // namespace boxcar
