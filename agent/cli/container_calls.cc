#include "cli/container_calls.h"

#include <cstdio>

#include "cli/local_call.h"
#include "cli/log_times.h"

namespace boxcar::cli {

grpc::Status CreateContainer(AgentConnection& agent, const v1::ContainerSpec& spec,
                             v1::Container* created) {
  v1::CreateContainerRequest request;
  *request.mutable_spec() = spec;
  grpc::ClientContext context;
  return agent.containers().Create(&context, request, created);
}

grpc::Status StartContainer(AgentConnection& agent, const std::string& id, v1::Container* started) {
  grpc::ClientContext context;
  v1::StartContainerRequest request;
  request.set_container(id);
  return agent.containers().Start(&context, request, started);
}

grpc::Status RemoveContainer(AgentConnection& agent, const std::string& id, bool force,
                             v1::RemoveContainerResponse* removed, bool remove_volumes) {
  v1::LocalRequest local;
  v1::RemoveContainerRequest& request = *local.mutable_remove();
  request.set_container(id);
  request.set_force(force);
  request.set_volumes(remove_volumes);
  v1::RemoveContainerResponse response;
  if (std::optional<v1::LocalResponse> answer = CallLocal(agent.socket_path(), local)) {
    if (answer->status_code() != 0) return StatusOf(*answer);
    *(removed ? removed : &response) = std::move(*answer->mutable_removed());
    return grpc::Status::OK;
  }
  grpc::ClientContext context;
  return agent.containers().Remove(&context, request, removed ? removed : &response);
}

grpc::Status StreamLogs(AgentConnection& agent, const v1::LogsRequest& request, bool timestamps) {
  grpc::ClientContext context;
  auto reader = agent.containers().Logs(&context, request);
  v1::LogChunk chunk;
  LineTimestamps stamps;
  while (reader->Read(&chunk)) {
    const bool is_stderr = chunk.stream() == v1::LOG_STREAM_STDERR;
    FILE* out = is_stderr ? stderr : stdout;
    if (timestamps) {
      const std::string stamped = stamps.Stamp(is_stderr ? 1 : 0, chunk.data(), chunk.time_unix_ns());
      std::fwrite(stamped.data(), 1, stamped.size(), out);
    } else {
      std::fwrite(chunk.data().data(), 1, chunk.data().size(), out);
    }
    std::fflush(out);
  }
  return reader->Finish();
}

grpc::Status WaitContainer(AgentConnection& agent, const std::string& id,
                           v1::WaitContainerResponse* response) {
  grpc::ClientContext context;
  v1::WaitContainerRequest request;
  request.set_container(id);
  return agent.containers().Wait(&context, request, response);
}

}  // namespace boxcar::cli
