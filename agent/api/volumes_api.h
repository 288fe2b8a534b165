// gRPC adapter of the Volumes service over the VolumeService.
#pragma once

#include "boxcar/v1/volumes.grpc.pb.h"
#include "core/volume_service.h"

namespace boxcar {

class VolumesApi final : public v1::Volumes::Service {
 public:
  explicit VolumesApi(VolumeService* volumes) : volumes_(volumes) {}

  grpc::Status Create(grpc::ServerContext*, const v1::CreateVolumeRequest*, v1::Volume*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListVolumesRequest*,
                    v1::ListVolumesResponse*) override;
  grpc::Status Inspect(grpc::ServerContext*, const v1::InspectVolumeRequest*,
                       v1::Volume*) override;
  grpc::Status Remove(grpc::ServerContext*, const v1::RemoveVolumeRequest*,
                      v1::RemoveVolumeResponse*) override;
  grpc::Status Prune(grpc::ServerContext*, const v1::PruneVolumesRequest*,
                     v1::PruneVolumesResponse*) override;

 private:
  VolumeService* volumes_;
};

}  // namespace boxcar
