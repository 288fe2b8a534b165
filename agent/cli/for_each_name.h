// The loops of the commands that take several names (rm, stop, kill, inspect ...): each
// failure reported, the exit code 1 if any failed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "cli/agent_connection.h"
#include "cli/json_output.h"

namespace boxcar::cli {

// Runs `one` for every name, reporting each failure; the exit code is 1 if any failed.
int ForEachName(AgentConnection& agent, const std::vector<std::string>& names,
                const std::function<grpc::Status(const std::string&)>& one);

// ForEachName that prints each name it succeeded for, as Docker's commands do.
int ForEachPrinted(AgentConnection& agent, const std::vector<std::string>& names,
                   const std::function<grpc::Status(const std::string&)>& one);

// `inspect`: one unary `call` per name (`name_into` puts the name in the request), each answer
// printed as indented JSON.
template <typename Stub, typename Request, typename Response>
int InspectEach(
    AgentConnection& agent, const std::vector<std::string>& names, Stub& stub,
    grpc::Status (Stub::*call)(grpc::ClientContext*, const Request&, Response*),
    const std::type_identity_t<std::function<void(Request*, const std::string&)>>& name_into) {
  return ForEachName(agent, names, [&](const std::string& name) {
    grpc::ClientContext context;
    Request request;
    name_into(&request, name);
    Response response;
    grpc::Status status = (stub.*call)(&context, request, &response);
    if (status.ok()) std::printf("%s\n", MessageToJson(response, true).c_str());
    return status;
  });
}

}  // namespace boxcar::cli
