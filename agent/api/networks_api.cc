#include "api/networks_api.h"

#include "api/grpc_status.h"

namespace boxcar {

grpc::Status NetworksApi::Create(grpc::ServerContext*, const v1::CreateNetworkRequest* request,
                                 v1::Network* response) {
  return Reply(networks_->CreateNetwork(request->network()), response);
}

grpc::Status NetworksApi::List(grpc::ServerContext*, const v1::ListNetworksRequest*,
                               v1::ListNetworksResponse* response) {
  for (auto& network : networks_->ListNetworks()) *response->add_networks() = std::move(network);
  return grpc::Status::OK;
}

grpc::Status NetworksApi::Inspect(grpc::ServerContext*, const v1::InspectNetworkRequest* request,
                                  v1::Network* response) {
  return Reply(networks_->InspectNetwork(request->name()), response);
}

grpc::Status NetworksApi::Remove(grpc::ServerContext*, const v1::RemoveNetworkRequest* request,
                                 v1::RemoveNetworkResponse*) {
  return ToGrpcStatus(networks_->RemoveNetwork(request->name()));
}

grpc::Status NetworksApi::Connect(grpc::ServerContext*, const v1::ConnectNetworkRequest* request,
                                  v1::ConnectNetworkResponse*) {
  return ToGrpcStatus(
      containers_->ConnectNetwork(request->network(), request->container(), request->ip(),
                                  {request->aliases().begin(), request->aliases().end()}));
}

grpc::Status NetworksApi::Disconnect(grpc::ServerContext*,
                                     const v1::DisconnectNetworkRequest* request,
                                     v1::DisconnectNetworkResponse*) {
  return ToGrpcStatus(containers_->DisconnectNetwork(request->network(), request->container()));
}

grpc::Status NetworksApi::Ports(grpc::ServerContext*, const v1::ContainerPortsRequest* request,
                                v1::ContainerPortsResponse* response) {
  auto container = containers_->Inspect(request->container());
  if (!container.ok()) return ToGrpcStatus(container.status());
  *response->mutable_ports() = container->published_ports();
  if (container->has_network_endpoint()) *response->mutable_endpoint() = container->network_endpoint();
  return grpc::Status::OK;
}

grpc::Status NetworksApi::AttachInterface(grpc::ServerContext*,
                                          const v1::AttachInterfaceRequest* request,
                                          v1::AttachInterfaceResponse* response) {
  return Reply(containers_->AttachInterface(request->container(), request->interface()), response);
}

grpc::Status NetworksApi::DetachInterface(grpc::ServerContext*,
                                          const v1::DetachInterfaceRequest* request,
                                          v1::DetachInterfaceResponse*) {
  return ToGrpcStatus(
      containers_->DetachInterface(request->container(), request->host_interface()));
}

grpc::Status NetworksApi::Prune(grpc::ServerContext*, const v1::PruneNetworksRequest*,
                                v1::PruneNetworksResponse* response) {
  for (auto& name : networks_->PruneNetworks()) response->add_deleted(std::move(name));
  return grpc::Status::OK;
}

}  // namespace boxcar
