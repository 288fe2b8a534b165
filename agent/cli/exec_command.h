// `boxcar exec [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddExecCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                    std::function<int()>& action);

}  // namespace boxcar::cli
