// The CLI's connection to boxcard: one channel on the unix socket, stubs per service, and
// errors turned into a message that says what to do next.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "boxcar/v1/build.grpc.pb.h"
#include "boxcar/v1/containers.grpc.pb.h"
#include "boxcar/v1/distribution.grpc.pb.h"
#include "boxcar/v1/images.grpc.pb.h"
#include "boxcar/v1/networks.grpc.pb.h"
#include "boxcar/v1/system.grpc.pb.h"
#include "boxcar/v1/volumes.grpc.pb.h"

namespace boxcar::cli {

class AgentConnection {
 public:
  // Connects nothing yet: the channel (and gRPC itself) starts at the first stub asked for, so
  // a command served by the local fast path (cli/local_call.h) never starts gRPC.
  explicit AgentConnection(const std::string& socket_path) : socket_path_(socket_path) {}

  // Each stub is made at its first use.
  v1::Images::Stub& images() { return Stub(images_); }
  v1::Containers::Stub& containers() { return Stub(containers_); }
  v1::System::Stub& system() { return Stub(system_); }
  v1::Distribution::Stub& distribution() { return Stub(distribution_); }
  v1::Networks::Stub& networks() { return Stub(networks_); }
  v1::Builds::Stub& builds() { return Stub(builds_); }
  v1::Volumes::Stub& volumes() { return Stub(volumes_); }
  const std::string& socket_path() const { return socket_path_; }

  // Prints "boxcar: <message>" with a hint for connection failures; returns the exit code (1).
  int Report(const grpc::Status& status) const;

 private:
  const std::shared_ptr<grpc::Channel>& Channel();
  template <typename StubType>
  StubType& Stub(std::unique_ptr<StubType>& stub) {
    if (!stub) stub = std::make_unique<StubType>(Channel());
    return *stub;
  }

  std::string socket_path_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Images::Stub> images_;
  std::unique_ptr<v1::Containers::Stub> containers_;
  std::unique_ptr<v1::System::Stub> system_;
  std::unique_ptr<v1::Distribution::Stub> distribution_;
  std::unique_ptr<v1::Networks::Stub> networks_;
  std::unique_ptr<v1::Builds::Stub> builds_;
  std::unique_ptr<v1::Volumes::Stub> volumes_;
};

}  // namespace boxcar::cli
