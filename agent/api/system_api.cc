#include "api/system_api.h"

#include "api/grpc_status.h"
#include "api/host_resources.h"
#include "core/disk_usage.h"

namespace boxcar {

grpc::Status SystemApi::Info(grpc::ServerContext*, const v1::InfoRequest*,
                             v1::InfoResponse* response) {
  response->set_version(identity_.version);
  response->set_root_dir(identity_.root_dir);
  response->set_socket_path(identity_.socket_path);
  response->set_cgroup_mode(cgroups_->ModeName());
  response->set_cgroup_parent(cgroups_->parent());
  response->set_default_backend(containers_->default_backend());
  for (const auto& [name, backend] : containers_->backends()) {
    auto* info = response->add_backends();
    info->set_name(name);
    Status available = backend->CheckAvailable();
    info->set_available(available.ok());
    info->set_unavailable_reason(available.message());
    for (const auto& capability : backend->capabilities().Names())
      info->add_capabilities(capability);
    info->set_is_default(name == containers_->default_backend());
  }
  auto images = images_->List(/*all=*/true);
  if (!images.ok()) return ToGrpcStatus(images.status());
  response->set_images(static_cast<uint32_t>(images->size()));
  auto all = containers_->List(true);
  response->set_containers(static_cast<uint32_t>(all.size()));
  uint32_t running = 0;
  for (const auto& container : all) running += container.state() == v1::CONTAINER_STATE_RUNNING;
  response->set_containers_running(running);
  response->set_agent_instance_id(containers_->agent_instance_id());
  response->mutable_prewarm_fallbacks()->set_cgroup_slots(
      containers_->prewarm_pool().slot_fallbacks());
  response->mutable_prewarm_fallbacks()->set_spares(containers_->prewarm_pool().spare_fallbacks());
  auto host = ReadHostResources(identity_.root_dir);
  if (!host.ok()) return ToGrpcStatus(host.status().Annotate("read the host's resources"));
  *response->mutable_host() = std::move(*host);
  return grpc::Status::OK;
}

grpc::Status SystemApi::Check(grpc::ServerContext*, const v1::CheckRequest* request,
                              v1::CheckResponse* response) {
  return Reply(images_->Check(request->repair()), response);
}

grpc::Status SystemApi::DiskUsage(grpc::ServerContext*, const v1::DiskUsageRequest*,
                                  v1::DiskUsageResponse* response) {
  return Reply(MeasureDiskUsage(*images_, *containers_, volumes_), response);
}

}  // namespace boxcar
