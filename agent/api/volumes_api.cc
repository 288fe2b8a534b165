#include "api/volumes_api.h"

#include "api/grpc_status.h"

namespace boxcar {

grpc::Status VolumesApi::Create(grpc::ServerContext*, const v1::CreateVolumeRequest* request,
                                v1::Volume* response) {
  return Reply(volumes_->Create(request->name()), response);
}

grpc::Status VolumesApi::List(grpc::ServerContext*, const v1::ListVolumesRequest*,
                              v1::ListVolumesResponse* response) {
  for (auto& volume : volumes_->List()) *response->add_volumes() = std::move(volume);
  return grpc::Status::OK;
}

grpc::Status VolumesApi::Inspect(grpc::ServerContext*, const v1::InspectVolumeRequest* request,
                                 v1::Volume* response) {
  return Reply(volumes_->Inspect(request->name()), response);
}

grpc::Status VolumesApi::Remove(grpc::ServerContext*, const v1::RemoveVolumeRequest* request,
                                v1::RemoveVolumeResponse* response) {
  Status removed = volumes_->Remove(request->name(), request->force());
  if (removed.ok()) response->set_name(request->name());
  return ToGrpcStatus(removed);
}

grpc::Status VolumesApi::Prune(grpc::ServerContext*, const v1::PruneVolumesRequest* request,
                               v1::PruneVolumesResponse* response) {
  for (auto& name : volumes_->Prune(request->all())) response->add_removed(name);
  return grpc::Status::OK;
}

}  // namespace boxcar
