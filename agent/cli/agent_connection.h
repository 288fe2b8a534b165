// The CLI's connection to boxcard: one channel on the unix socket, stubs per service, and
// errors turned into a message that says what to do next.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "api/agent_stubs.h"

namespace boxcar::cli {

class AgentConnection {
 public:
  // Connects nothing yet: the channel (and gRPC itself) starts at the first stub asked for, so
  // a command served by the local fast path (cli/local_call.h) never starts gRPC.
  explicit AgentConnection(const std::string& socket_path) : socket_path_(socket_path) {}

  // The stubs are made at the first use of any.
  v1::Images::Stub& images() { return Stubs().images; }
  v1::Containers::Stub& containers() { return Stubs().containers; }
  v1::System::Stub& system() { return Stubs().system; }
  v1::Distribution::Stub& distribution() { return Stubs().distribution; }
  v1::Networks::Stub& networks() { return Stubs().networks; }
  v1::Builds::Stub& builds() { return Stubs().builds; }
  v1::Volumes::Stub& volumes() { return Stubs().volumes; }
  const std::string& socket_path() const { return socket_path_; }

  // Prints "boxcar: <message>", for failures to reach the agent with what to do (start it,
  // permissions, a connection that broke off); returns the exit code (1).
  int Report(const grpc::Status& status) const;

 private:
  const std::shared_ptr<grpc::Channel>& Channel();
  AgentStubs& Stubs() {
    if (!stubs_) stubs_ = std::make_unique<AgentStubs>(Channel());
    return *stubs_;
  }

  std::string socket_path_;
  std::shared_ptr<grpc::Channel> channel_;
  int connect_errno_ = 0;  // why the CLI could not connect the socket itself, or 0
  std::unique_ptr<AgentStubs> stubs_;
};

}  // namespace boxcar::cli
