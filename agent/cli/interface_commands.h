// `boxcar interface attach|detach|ls`: VIFs on existing bridges added to a container beside
// its network (what a compute driver's attach_interface does), hot when it runs.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddInterfaceCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action);

}  // namespace boxcar::cli
