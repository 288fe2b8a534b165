// `boxcar build -t NAME[:TAG] [-f Dockerfile] [--build-arg K=V] [--target STAGE] [--no-cache]
// [--backend B] [--label K=V] [--pull] [-q] CONTEXT`: the context directory (minus .dockerignore) is
// streamed to the agent, which builds; each step, its output and CACHED are shown as they come.
// CONTEXT "-" reads stdin: a context tar (plain or compressed, its Dockerfile named by -f,
// "Dockerfile" by default), or else the Dockerfile alone (no context).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddBuildCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                     std::function<int()>& action);

}  // namespace boxcar::cli
