// `boxcar system check [--repair] [--json]`, `system df`, `system prune`, `boxcar info [--json]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddSystemCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action);

}  // namespace boxcar::cli
