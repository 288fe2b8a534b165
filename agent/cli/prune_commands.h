// `boxcar container prune`, `boxcar network prune` and `boxcar system prune`: the agent's
// Prune calls, printed as Docker prints them (they never ask: -f is accepted for Docker's
// sake, as by `volume prune`).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// `prune` under `container`.
void AddContainerPruneCommand(CLI::App* container, std::function<AgentConnection&()> connect,
                              std::function<int()>& action);
// `prune` under `network`.
void AddNetworkPruneCommand(CLI::App* network, std::function<AgentConnection&()> connect,
                            std::function<int()>& action);
// `prune` under `system`: containers, networks, images (and anonymous volumes with --volumes).
void AddSystemPruneCommand(CLI::App* system, std::function<AgentConnection&()> connect,
                           std::function<int()>& action);

}  // namespace boxcar::cli
