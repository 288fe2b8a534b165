#include "api/containers_api.h"

#include <spdlog/spdlog.h>

#include "api/attach_stream.h"
#include "api/exec_stream.h"
#include "api/grpc_status.h"
#include "api/remove_response.h"
#include "core/container_log_options.h"

namespace boxcar {

grpc::Status ContainersApi::Create(grpc::ServerContext*, const v1::CreateContainerRequest* request,
                                   v1::Container* response) {
  return Reply(containers_->Create(request->spec()), response);
}

grpc::Status ContainersApi::Start(grpc::ServerContext*, const v1::StartContainerRequest* request,
                                  v1::Container* response) {
  return Reply(containers_->Start(request->container()), response);
}

grpc::Status ContainersApi::Stop(grpc::ServerContext*, const v1::StopContainerRequest* request,
                                 v1::Container* response) {
  std::optional<uint32_t> timeout;
  if (request->has_timeout_seconds()) timeout = request->timeout_seconds();
  return Reply(containers_->Stop(request->container(), timeout, request->for_restart()), response);
}

grpc::Status ContainersApi::Kill(grpc::ServerContext*, const v1::KillContainerRequest* request,
                                 v1::KillContainerResponse*) {
  return ToGrpcStatus(containers_->Kill(request->container(), request->signal()));
}

grpc::Status ContainersApi::Wait(grpc::ServerContext* context,
                                 const v1::WaitContainerRequest* request,
                                 v1::WaitContainerResponse* response) {
  return Reply(
      containers_->Wait(request->container(), [context] { return context->IsCancelled(); }),
      response);
}

grpc::Status ContainersApi::Remove(grpc::ServerContext*, const v1::RemoveContainerRequest* request,
                                   v1::RemoveContainerResponse* response) {
  auto removed = containers_->Remove(request->container(), request->force(), request->volumes());
  if (!removed.ok()) return ToGrpcStatus(removed.status());
  *response = RemoveResponseOf(*removed);
  return grpc::Status::OK;
}

grpc::Status ContainersApi::List(grpc::ServerContext*, const v1::ListContainersRequest* request,
                                 v1::ListContainersResponse* response) {
  for (auto& container : containers_->List(request->all()))
    *response->add_containers() = std::move(container);
  return grpc::Status::OK;
}

grpc::Status ContainersApi::Inspect(grpc::ServerContext*,
                                    const v1::InspectContainerRequest* request,
                                    v1::Container* response) {
  return Reply(containers_->InspectWithHostPaths(request->container()), response);
}

grpc::Status ContainersApi::Logs(grpc::ServerContext* context, const v1::LogsRequest* request,
                                 grpc::ServerWriter<v1::LogChunk>* writer) {
  if (request->since_unix_ns() < 0 || request->until_unix_ns() < 0) {
    return AgentGrpcStatus(grpc::StatusCode::INVALID_ARGUMENT,
                           request->since_unix_ns() < 0 ? "since_unix_ns: before the epoch"
                                                        : "until_unix_ns: before the epoch");
  }
  // Said rather than an empty stream, as `docker logs` does for the none driver.
  auto container = containers_->Inspect(request->container());
  if (!container.ok()) return ToGrpcStatus(container.status());
  if (container->spec().log_driver() == kLogDriverNone) {
    return AgentGrpcStatus(grpc::StatusCode::FAILED_PRECONDITION,
                           "configured logging driver does not support reading: container '" +
                               container->name() +
                               "' has log driver none, its output is shown live to `attach` "
                               "and `run` but not kept (create it with --log-driver local to "
                               "keep it)");
  }
  auto sink = [writer](v1::LogStream stream, const std::string& bytes, int64_t unix_ns) {
    v1::LogChunk chunk;
    chunk.set_stream(stream);
    chunk.set_data(bytes);
    chunk.set_time_unix_ns(unix_ns);
    return writer->Write(chunk);
  };
  OutputLogFilter filter;
  if (request->has_tail()) filter.tail = request->tail();
  if (request->has_tail_bytes()) filter.tail_bytes = request->tail_bytes();
  filter.since_unix_ns = request->since_unix_ns();
  filter.until_unix_ns = request->until_unix_ns();
  return ToGrpcStatus(containers_->StreamLogs(request->container(), request->follow(), sink,
                                              [context] { return context->IsCancelled(); },
                                              filter));
}

grpc::Status ContainersApi::Run(grpc::ServerContext* context,
                                const v1::RunContainerRequest* request,
                                grpc::ServerWriter<v1::RunContainerResponse>* writer) {
  ContainerService::RunCallbacks callbacks;
  callbacks.started = [writer](const v1::Container& started) {
    v1::RunContainerResponse message;
    *message.mutable_started() = started;
    return writer->Write(message);
  };
  callbacks.output = [writer](v1::LogStream stream, const std::string& bytes, int64_t unix_ns) {
    v1::RunContainerResponse message;
    message.mutable_output()->set_stream(stream);
    message.mutable_output()->set_data(bytes);
    message.mutable_output()->set_time_unix_ns(unix_ns);
    return writer->Write(message);
  };
  callbacks.cancelled = [context] { return context->IsCancelled(); };
  std::string failed_step;
  auto exited = containers_->Run(request->spec(), request->remove(), callbacks, &failed_step);
  if (!failed_step.empty()) context->AddTrailingMetadata("boxcar-failed-step", failed_step);
  if (!exited.ok()) return ToGrpcStatus(exited.status());
  v1::RunContainerResponse last;
  *last.mutable_exited() = std::move(*exited);
  writer->Write(last);
  return grpc::Status::OK;
}

grpc::Status ContainersApi::Pause(grpc::ServerContext*, const v1::PauseContainerRequest* request,
                                  v1::Container* response) {
  return Reply(containers_->Pause(request->container()), response);
}

grpc::Status ContainersApi::Unpause(grpc::ServerContext*,
                                    const v1::UnpauseContainerRequest* request,
                                    v1::Container* response) {
  return Reply(containers_->Unpause(request->container()), response);
}

grpc::Status ContainersApi::Stats(grpc::ServerContext*, const v1::StatsRequest* request,
                                  v1::ContainerStats* response) {
  return Reply(containers_->Stats(request->container()), response);
}

grpc::Status ContainersApi::Update(grpc::ServerContext*, const v1::UpdateContainerRequest* request,
                                   v1::Container* response) {
  return Reply(containers_->Update(*request), response);
}

grpc::Status ContainersApi::Events(grpc::ServerContext* context, const v1::EventsRequest* request,
                                   grpc::ServerWriter<v1::ContainerEvent>* writer) {
  std::vector<std::string> containers(request->containers().begin(), request->containers().end());
  auto subscription = containers_->SubscribeEvents(containers);
  if (!subscription.ok()) return ToGrpcStatus(subscription.status());
  // Headers go out at once, so a client knows the subscription is in place.
  writer->SendInitialMetadata();
  grpc::Status result = grpc::Status::OK;
  while (!context->IsCancelled()) {
    auto event = (*subscription)->Next(std::chrono::milliseconds(200));
    if (!event.ok()) {
      result = ToGrpcStatus(event.status());
      break;
    }
    if (event->has_value() && !writer->Write(**event)) break;
  }
  containers_->UnsubscribeEvents(*subscription);
  return result;
}

grpc::Status ContainersApi::Exec(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ExecResponse, v1::ExecRequest>* stream) {
  return ServeExec(containers_, context, stream);
}

grpc::Status ContainersApi::Attach(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::AttachResponse, v1::AttachRequest>* stream) {
  return ServeAttach(containers_, context, stream);
}

grpc::Status ContainersApi::Rename(grpc::ServerContext*, const v1::RenameContainerRequest* request,
                                   v1::Container* response) {
  return Reply(containers_->Rename(request->container(), request->name()), response);
}

grpc::Status ContainersApi::Prune(grpc::ServerContext*, const v1::PruneContainersRequest* request,
                                  v1::PruneContainersResponse* response) {
  *response = containers_->Prune(*request);
  return grpc::Status::OK;
}

grpc::Status ContainersApi::Commit(grpc::ServerContext*, const v1::CommitContainerRequest* request,
                                   v1::CommitContainerResponse* response) {
  return Reply(containers_->Commit(*request), response);
}

}  // namespace boxcar
