// `boxcar diff [--json] CONTAINER`: what a container changed in its image's filesystem, one
// "A|C|D PATH" line each (as `docker diff`).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddDiffCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                    std::function<int()>& action);

}  // namespace boxcar::cli
