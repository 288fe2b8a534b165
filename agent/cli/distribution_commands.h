// `boxcar image pull|push` and `boxcar login|logout`: the Distribution service's calls, with
// per-layer progress on the terminal.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// Adds `pull` and `push` to the `image` command group.
void AddImagePullPushCommands(CLI::App& image, std::function<AgentConnection&()> connect,
                              std::function<int()>& action);
// Adds `login` and `logout`.
void AddLoginCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

}  // namespace boxcar::cli
