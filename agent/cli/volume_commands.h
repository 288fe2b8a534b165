// `boxcar volume create|ls|inspect|rm|prune`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddVolumeCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action);

}  // namespace boxcar::cli
