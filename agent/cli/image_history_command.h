// `boxcar image history [--json] [--no-trunc] IMAGE`: how an image was made, newest step first
// (as `docker image history`).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddImageHistoryCommand(CLI::App* image, std::function<AgentConnection&()> connect,
                            std::function<int()>& action);

}  // namespace boxcar::cli
