// `boxcar image save [-o FILE] [--format oci|docker] IMAGE...`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddImageSaveCommand(CLI::App* image, std::function<AgentConnection&()> connect,
                         std::function<int()>& action);

}  // namespace boxcar::cli
