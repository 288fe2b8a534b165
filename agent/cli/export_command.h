// `boxcar export [-o FILE] CONTAINER` (and `boxcar container export`): a container's
// filesystem as a tar, as Docker's `docker export`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// Adds `export` below `parent` (the app, or its `container` group).
void AddExportCommand(CLI::App& parent, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

}  // namespace boxcar::cli
