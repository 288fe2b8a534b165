// `boxcar run`: create, start, stream the output and wait (or remove with --rm) in one call.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// Exit code of `run` and `create` when the container never ran, as Docker's.
inline constexpr int kExitAgentError = 125;

void AddRunCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                   std::function<int()>& action);

}  // namespace boxcar::cli
