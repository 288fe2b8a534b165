// `boxcar pause|unpause|stats|update|events`: the lifecycle of running containers.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddLifecycleCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action);

}  // namespace boxcar::cli
