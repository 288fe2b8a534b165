// gRPC adapter of the Networks service over the NetworkService and the ContainerService.
#pragma once

#include "boxcar/v1/networks.grpc.pb.h"
#include "core/container_service.h"
#include "net/network_service.h"

namespace boxcar {

class NetworksApi final : public v1::Networks::Service {
 public:
  NetworksApi(NetworkService* networks, ContainerService* containers)
      : networks_(networks), containers_(containers) {}

  grpc::Status Create(grpc::ServerContext*, const v1::CreateNetworkRequest*,
                      v1::Network*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListNetworksRequest*,
                    v1::ListNetworksResponse*) override;
  grpc::Status Inspect(grpc::ServerContext*, const v1::InspectNetworkRequest*,
                       v1::Network*) override;
  grpc::Status Remove(grpc::ServerContext*, const v1::RemoveNetworkRequest*,
                      v1::RemoveNetworkResponse*) override;
  grpc::Status Connect(grpc::ServerContext*, const v1::ConnectNetworkRequest*,
                       v1::ConnectNetworkResponse*) override;
  grpc::Status Disconnect(grpc::ServerContext*, const v1::DisconnectNetworkRequest*,
                          v1::DisconnectNetworkResponse*) override;
  grpc::Status Ports(grpc::ServerContext*, const v1::ContainerPortsRequest*,
                     v1::ContainerPortsResponse*) override;
  grpc::Status AttachInterface(grpc::ServerContext*, const v1::AttachInterfaceRequest*,
                               v1::AttachInterfaceResponse*) override;
  grpc::Status DetachInterface(grpc::ServerContext*, const v1::DetachInterfaceRequest*,
                               v1::DetachInterfaceResponse*) override;
  grpc::Status Prune(grpc::ServerContext*, const v1::PruneNetworksRequest*,
                     v1::PruneNetworksResponse*) override;

 private:
  NetworkService* networks_;
  ContainerService* containers_;
};

}  // namespace boxcar
