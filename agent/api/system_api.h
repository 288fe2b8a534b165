// gRPC adapter of the System service: what this agent is and which backends it has.
#pragma once

#include "boxcar/v1/system.grpc.pb.h"
#include "cgroups/container_cgroups.h"
#include "core/container_service.h"
#include "core/volume_service.h"
#include "store/image_store.h"

namespace boxcar {

struct AgentIdentity {
  std::string version;
  std::string root_dir;
  std::string socket_path;
};

class SystemApi final : public v1::System::Service {
 public:
  SystemApi(AgentIdentity identity, ContainerService* containers, ImageStore* images,
            ContainerCgroups* cgroups, VolumeService* volumes)
      : identity_(std::move(identity)),
        containers_(containers),
        images_(images),
        cgroups_(cgroups),
        volumes_(volumes) {}

  grpc::Status Info(grpc::ServerContext*, const v1::InfoRequest*, v1::InfoResponse*) override;
  grpc::Status Check(grpc::ServerContext*, const v1::CheckRequest*, v1::CheckResponse*) override;
  grpc::Status DiskUsage(grpc::ServerContext*, const v1::DiskUsageRequest*,
                         v1::DiskUsageResponse*) override;

 private:
  AgentIdentity identity_;
  ContainerService* containers_;
  ImageStore* images_;
  ContainerCgroups* cgroups_;
  VolumeService* volumes_;
};

}  // namespace boxcar
