// `boxcar commit [-m MSG] [-c 'CMD ...'] [--pause=false] CONTAINER [NAME[:TAG]]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddCommitCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

// Applies one Dockerfile-style change ("CMD [\"a\"]", "CMD a b", "ENTRYPOINT ...",
// "ENV K=V", "WORKDIR /x", "USER u") to `changes`; false (with a message) when malformed.
bool ParseCommitChange(const std::string& change, v1::CommitChanges* changes);

}  // namespace boxcar::cli
