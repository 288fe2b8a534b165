// gRPC adapter of the Containers service over the ContainerService.
#pragma once

#include "boxcar/v1/containers.grpc.pb.h"
#include "core/container_service.h"

namespace boxcar {

class ContainersApi final : public v1::Containers::Service {
 public:
  explicit ContainersApi(ContainerService* containers) : containers_(containers) {}

  grpc::Status Create(grpc::ServerContext*, const v1::CreateContainerRequest*,
                      v1::Container*) override;
  grpc::Status Start(grpc::ServerContext*, const v1::StartContainerRequest*,
                     v1::Container*) override;
  grpc::Status Stop(grpc::ServerContext*, const v1::StopContainerRequest*, v1::Container*) override;
  grpc::Status Kill(grpc::ServerContext*, const v1::KillContainerRequest*,
                    v1::KillContainerResponse*) override;
  grpc::Status Wait(grpc::ServerContext*, const v1::WaitContainerRequest*,
                    v1::WaitContainerResponse*) override;
  grpc::Status Remove(grpc::ServerContext*, const v1::RemoveContainerRequest*,
                      v1::RemoveContainerResponse*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListContainersRequest*,
                    v1::ListContainersResponse*) override;
  grpc::Status Inspect(grpc::ServerContext*, const v1::InspectContainerRequest*,
                       v1::Container*) override;
  grpc::Status Logs(grpc::ServerContext*, const v1::LogsRequest*,
                    grpc::ServerWriter<v1::LogChunk>*) override;
  grpc::Status Run(grpc::ServerContext*, const v1::RunContainerRequest*,
                   grpc::ServerWriter<v1::RunContainerResponse>*) override;
  grpc::Status Pause(grpc::ServerContext*, const v1::PauseContainerRequest*,
                     v1::Container*) override;
  grpc::Status Unpause(grpc::ServerContext*, const v1::UnpauseContainerRequest*,
                       v1::Container*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*, v1::ContainerStats*) override;
  grpc::Status Update(grpc::ServerContext*, const v1::UpdateContainerRequest*,
                      v1::Container*) override;
  grpc::Status Events(grpc::ServerContext*, const v1::EventsRequest*,
                      grpc::ServerWriter<v1::ContainerEvent>*) override;
  grpc::Status Commit(grpc::ServerContext*, const v1::CommitContainerRequest*,
                      v1::CommitContainerResponse*) override;
  grpc::Status Exec(grpc::ServerContext*,
                    grpc::ServerReaderWriter<v1::ExecResponse, v1::ExecRequest>*) override;
  grpc::Status Rename(grpc::ServerContext*, const v1::RenameContainerRequest*,
                      v1::Container*) override;
  grpc::Status Prune(grpc::ServerContext*, const v1::PruneContainersRequest*,
                     v1::PruneContainersResponse*) override;
  grpc::Status Attach(grpc::ServerContext*,
                      grpc::ServerReaderWriter<v1::AttachResponse, v1::AttachRequest>*) override;
  // Top, Diff and the copy calls: container_files_api.cc.
  grpc::Status Top(grpc::ServerContext*, const v1::TopRequest*, v1::TopResponse*) override;
  grpc::Status Diff(grpc::ServerContext*, const v1::DiffRequest*, v1::DiffResponse*) override;
  grpc::Status StatPath(grpc::ServerContext*, const v1::StatPathRequest*, v1::PathStat*) override;
  grpc::Status CopyFrom(grpc::ServerContext*, const v1::CopyFromRequest*,
                        grpc::ServerWriter<v1::CopyFromResponse>*) override;
  grpc::Status Export(grpc::ServerContext*, const v1::ExportContainerRequest*,
                      grpc::ServerWriter<v1::ExportChunk>*) override;
  grpc::Status CopyTo(grpc::ServerContext*, grpc::ServerReader<v1::CopyToRequest>*,
                      v1::CopyToResponse*) override;

 private:
  ContainerService* containers_;
};

}  // namespace boxcar
