#include "cli/local_call.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "api/grpc_status.h"
#include "common/local_socket_path.h"
#include "common/unique_fd.h"

namespace boxcar::cli {

namespace {

v1::LocalResponse Unavailable(const std::string& message) {
  v1::LocalResponse response;
  response.set_status_code(14);  // UNAVAILABLE, as gRPC says it
  response.set_status_message(message);
  return response;
}

}  // namespace

std::optional<v1::LocalResponse> CallLocal(const std::string& grpc_socket_path,
                                           const v1::LocalRequest& request) {
  const char* enabled = std::getenv("BOXCAR_LOCAL_FAST_PATH");
  if (enabled != nullptr && std::strcmp(enabled, "0") == 0) return std::nullopt;
  const std::string path = LocalSocketPath(grpc_socket_path);
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) return std::nullopt;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const std::string bytes = request.SerializeAsString();
  if (bytes.size() > kLocalMessageMaxBytes) return std::nullopt;
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) return std::nullopt;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return std::nullopt;
  }
  // A message that did not go out (the agent's buffers are smaller than ours) was not read.
  if (::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(bytes.size())) {
    return std::nullopt;
  }
  // The answer's size first (MSG_TRUNC: the whole message's length), then the answer.
  ssize_t size;
  do {
    size = ::recv(fd.get(), nullptr, 0, MSG_PEEK | MSG_TRUNC);
  } while (size < 0 && errno == EINTR);
  std::string answer(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  ssize_t received = size <= 0 ? size : ::recv(fd.get(), answer.data(), answer.size(), 0);
  if (received <= 0 || received != size) {
    return Unavailable("the agent closed its local socket " + path +
                       " without an answer (did it stop?); see its log");
  }
  v1::LocalResponse response;
  if (!response.ParseFromString(answer)) {
    return Unavailable("the agent's answer on " + path + " is not a boxcar.v1.LocalResponse");
  }
  // An agent older than the call refuses it before doing anything (api/local_api.cc).
  if (response.status_code() == grpc::StatusCode::UNIMPLEMENTED &&
      response.status_message().rfind("request:", 0) == 0) {
    return std::nullopt;
  }
  return response;
}

grpc::Status StatusOf(const v1::LocalResponse& answer) {
  // The agent's answer, or this side's words on a local socket that closed: either is meant
  // for the user as it is (AgentConnection::Report adds nothing to an agent's error).
  return AgentGrpcStatus(static_cast<grpc::StatusCode>(answer.status_code()),
                         answer.status_message());
}

}  // namespace boxcar::cli
