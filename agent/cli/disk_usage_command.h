// `boxcar system df [-v] [--json]`: the agent's DiskUsage call as Docker's table (TYPE, TOTAL,
// ACTIVE, SIZE, RECLAIMABLE), with -v each image, container and volume.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddSystemDfCommand(CLI::App* system, std::function<AgentConnection&()> connect,
                        std::function<int()>& action);

}  // namespace boxcar::cli
