// `boxcar network create|ls|inspect|rm|connect|disconnect` and `boxcar port CONTAINER`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddNetworkCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                        std::function<int()>& action);

}  // namespace boxcar::cli
