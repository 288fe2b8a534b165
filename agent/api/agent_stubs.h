// The client side of the agent's gRPC API: one stub per service, all on one channel. The CLI
// (cli/agent_connection.h) and the Nova driver (driver/core/grpc_agent_client.h) each hold
// one; header-only, so a client needs only the generated code (boxcar_proto).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "boxcar/v1/build.grpc.pb.h"
#include "boxcar/v1/containers.grpc.pb.h"
#include "boxcar/v1/distribution.grpc.pb.h"
#include "boxcar/v1/images.grpc.pb.h"
#include "boxcar/v1/networks.grpc.pb.h"
#include "boxcar/v1/system.grpc.pb.h"
#include "boxcar/v1/volumes.grpc.pb.h"

namespace boxcar {

struct AgentStubs {
  // Making the stubs sends nothing: the channel connects at the first call.
  explicit AgentStubs(const std::shared_ptr<grpc::Channel>& channel)
      : images(channel),
        containers(channel),
        system(channel),
        distribution(channel),
        networks(channel),
        builds(channel),
        volumes(channel) {}

  v1::Images::Stub images;
  v1::Containers::Stub containers;
  v1::System::Stub system;
  v1::Distribution::Stub distribution;
  v1::Networks::Stub networks;
  v1::Builds::Stub builds;
  v1::Volumes::Stub volumes;
};

}  // namespace boxcar
