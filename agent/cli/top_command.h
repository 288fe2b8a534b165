// `boxcar top [--json] CONTAINER`: the processes of a running container with `ps -ef`'s
// columns (as `docker top`).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddTopCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                   std::function<int()>& action);

}  // namespace boxcar::cli
