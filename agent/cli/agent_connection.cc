#include "cli/agent_connection.h"

#include <grpcpp/create_channel_posix.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace boxcar::cli {
namespace {

// A connected, close-on-exec descriptor on the agent's socket, or -1.
int ConnectUnixSocket(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) return -1;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
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
  channel_ = fd >= 0 ? grpc::CreateCustomInsecureChannelFromFd("boxcard", fd, arguments)
                     : grpc::CreateCustomChannel("unix:" + socket_path_,
                                                 grpc::InsecureChannelCredentials(), arguments);
  return channel_;
}

int AgentConnection::Report(const grpc::Status& status) const {
  // The agent's own UNAVAILABLE answers (a registry that does not answer) name their field.
  const std::string& message = status.error_message();
  const bool from_agent = message.rfind("source:", 0) == 0 ||
                          message.rfind("destination:", 0) == 0 ||
                          message.rfind("credentials", 0) == 0 ||
                          message.rfind("registry", 0) == 0;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE && !from_agent) {
    std::fprintf(
        stderr,
        "boxcar: cannot reach boxcard at %s (%s).\n"
        "Is the agent running? Start it with `boxcard` (or deploy/quickstart.sh), or point "
        "--socket / BOXCAR_SOCKET at its socket.\n",
        socket_path_.c_str(), status.error_message().c_str());
  } else {
    std::fprintf(stderr, "boxcar: %s\n", status.error_message().c_str());
  }
  return 1;
}

}  // namespace boxcar::cli
