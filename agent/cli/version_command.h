// `boxcar version [--json] [-f FORMAT]`: the client's version and the agent's, as Docker's
// `docker version` (the client's is printed also when the agent cannot be reached).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>

#include "cli/agent_connection.h"
#include "common/status.h"

namespace boxcar::cli {

// What `version` shows, by Docker's template names ("Client.Version", "Server.KernelVersion");
// without `server` (the agent unreachable), the client's alone.
std::map<std::string, std::string> VersionFields(const v1::InfoResponse* server);

// The value of a --format FIELD (".Client.Version"; case and a leading dot do not matter);
// INVALID_ARGUMENT naming --format and the known fields for another.
StatusOr<std::string> VersionFieldValue(const std::map<std::string, std::string>& fields,
                                        const std::string& field);

void AddVersionCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action);

}  // namespace boxcar::cli
