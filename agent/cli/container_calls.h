// Container calls to the agent that several commands make.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/agent_connection.h"

namespace boxcar::cli {

grpc::Status CreateContainer(AgentConnection& agent, const v1::ContainerSpec& spec,
                             v1::Container* created);
grpc::Status StartContainer(AgentConnection& agent, const std::string& id, v1::Container* started);
// Through the agent's local fast path when there is one (cli/local_call.h), else over gRPC.
grpc::Status RemoveContainer(AgentConnection& agent, const std::string& id, bool force,
                             v1::RemoveContainerResponse* removed = nullptr,
                             bool remove_volumes = false);
// Copies the container's output to our stdout/stderr until it ends (follow) or is exhausted.
// `request` names the container and what to keep (tail, since, until); with `timestamps`,
// each line comes after the time it was written (cli/log_times.h).
grpc::Status StreamLogs(AgentConnection& agent, const v1::LogsRequest& request,
                        bool timestamps = false);
grpc::Status WaitContainer(AgentConnection& agent, const std::string& id,
                           v1::WaitContainerResponse* response);

}  // namespace boxcar::cli
