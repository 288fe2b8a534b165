// `boxcar image import|load|ls|inspect|tag|rm|prune|pull|push|save|history`, and Docker's
// top-level forms of them: `boxcar import|load|images|tag|rmi|pull|push|save|history`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// Adds the `image` command group; the chosen command stores its action in `action`.
void AddImageCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

// Adds Docker's top-level image commands: pull, push, import, load, images (image ls), tag,
// rmi (image rm), save and history, each the same command as its `image` form.
void AddTopLevelImageCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                              std::function<int()>& action);

}  // namespace boxcar::cli
