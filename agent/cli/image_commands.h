// `boxcar image import|ls|inspect|rm`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// Adds the `image` command group; the chosen command stores its action in `action`.
void AddImageCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

}  // namespace boxcar::cli
