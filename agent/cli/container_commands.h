// `boxcar create|start|stop|kill|wait|rm|ps|inspect|logs`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddContainerCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action);

}  // namespace boxcar::cli
