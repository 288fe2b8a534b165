#include "cli/agent_connection.h"

#include <grpcpp/create_channel_posix.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "api/grpc_status.h"

namespace boxcar::cli {
namespace {

// A connected, close-on-exec descriptor on the agent's socket, or -1 with errno set.
int ConnectUnixSocket(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

}  // namespace

const std::shared_ptr<grpc::Channel>& AgentConnection::Channel() {
  if (channel_) return channel_;
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  // A local socket: no DNS, no proxies, no retries.
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  arguments.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  // The CLI connects the socket itself and hands gRPC the connected descriptor: that skips
  // the resolver, the subchannel and its connectivity state machine, about 1 ms of every
  // command. When the agent cannot be reached, a regular channel reports it as UNAVAILABLE
  // at the first call (Report turns that into advice).
  int fd = ConnectUnixSocket(socket_path_);
  connect_errno_ = fd >= 0 ? 0 : errno;
  channel_ = fd >= 0 ? grpc::CreateCustomInsecureChannelFromFd("boxcard", fd, arguments)
                     : grpc::CreateCustomChannel("unix:" + socket_path_,
                                                 grpc::InsecureChannelCredentials(), arguments);
  return channel_;
}

int AgentConnection::Report(const grpc::Status& status) const {
  const char* socket = socket_path_.c_str();
  const std::string message_text = status.error_message();  // a copy: keep it alive
  const char* message = message_text.c_str();
  // The agent's own answers (a registry that does not answer is UNAVAILABLE too) as they are.
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE || IsAgentError(status)) {
    std::fprintf(stderr, "boxcar: %s\n", message);
  } else if (connect_errno_ == EACCES || connect_errno_ == EPERM) {
    std::fprintf(stderr,
                 "boxcar: permission denied on boxcard's socket %s.\n"
                 "Run boxcar as root, or as a user the socket's owner and group let in (`ls -l "
                 "%s`).\n",
                 socket, socket);
  } else if (connect_errno_ != 0 || !channel_) {
    std::fprintf(
        stderr,
        "boxcar: cannot reach boxcard at %s (%s).\n"
        "Is the agent running? Start it with `boxcard` (or deploy/quickstart.sh), or point "
        "--socket / BOXCAR_SOCKET at its socket.\n",
        socket, connect_errno_ != 0 ? std::strerror(connect_errno_) : message);
  } else {
    std::fprintf(stderr,
                 "boxcar: the connection to boxcard at %s broke off (%s).\n"
                 "Did the agent stop? See its log (`journalctl -u boxcard`), start it again "
                 "if needed, and retry.\n",
                 socket, message);
  }
  return 1;
}

}  // namespace boxcar::cli
