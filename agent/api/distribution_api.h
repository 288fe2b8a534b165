// gRPC adapter of the Distribution service over ImageDistribution.
#pragma once

#include "boxcar/v1/distribution.grpc.pb.h"
#include "distribution/image_distribution.h"

namespace boxcar {

class DistributionApi final : public v1::Distribution::Service {
 public:
  explicit DistributionApi(ImageDistribution* distribution) : distribution_(distribution) {}

  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;
  grpc::Status Push(grpc::ServerContext* context, const v1::PushRequest* request,
                    grpc::ServerWriter<v1::PushResponse>* writer) override;
  grpc::Status Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                     v1::LoginResponse* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;

 private:
  ImageDistribution* distribution_;
};

}  // namespace boxcar
