#include "cli/container_calls.h"

#include <cstdio>

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
  grpc::ClientContext context;
  v1::RemoveContainerRequest request;
  request.set_container(id);
  request.set_force(force);
  request.set_volumes(remove_volumes);
  v1::RemoveContainerResponse response;
  return agent.containers().Remove(&context, request, removed ? removed : &response);
}

grpc::Status StreamLogs(AgentConnection& agent, const std::string& id, bool follow,
                        std::optional<uint32_t> tail) {
  grpc::ClientContext context;
  v1::LogsRequest request;
  request.set_container(id);
  request.set_follow(follow);
  if (tail) request.set_tail(*tail);
  auto reader = agent.containers().Logs(&context, request);
  v1::LogChunk chunk;
  while (reader->Read(&chunk)) {
    FILE* out = chunk.stream() == v1::LOG_STREAM_STDERR ? stderr : stdout;
    std::fwrite(chunk.data().data(), 1, chunk.data().size(), out);
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
