// `boxcar container ...`: Docker's management-command forms of the container commands
// (`container ls`, `container rm`, `container logs`, ...), the same commands as the top-level
// ones, plus `container prune`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddContainerGroupCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                               std::function<int()>& action);

}  // namespace boxcar::cli
