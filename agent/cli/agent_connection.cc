#include "cli/agent_connection.h"

#include <cstdio>

namespace boxcar::cli {

AgentConnection::AgentConnection(const std::string& socket_path) : socket_path_(socket_path) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  // A local socket: no DNS, no proxies, no retries.
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  arguments.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  channel_ = grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(),
                                       arguments);
  images_ = v1::Images::NewStub(channel_);
  containers_ = v1::Containers::NewStub(channel_);
  system_ = v1::System::NewStub(channel_);
}

int AgentConnection::Report(const grpc::Status& status) const {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
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

int ForEachName(AgentConnection& agent, const std::vector<std::string>& names,
                const std::function<grpc::Status(const std::string&)>& one) {
  int exit_code = 0;
  for (const auto& name : names) {
    grpc::Status status = one(name);
    if (!status.ok()) exit_code = agent.Report(status);
  }
  return exit_code;
}

}  // namespace boxcar::cli
