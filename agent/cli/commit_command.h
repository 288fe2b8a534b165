// `boxcar commit [-m MSG] [-c 'CMD ...'] [--pause=false] CONTAINER [NAME[:TAG]]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddCommitCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

}  // namespace boxcar::cli
