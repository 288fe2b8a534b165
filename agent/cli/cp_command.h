// `boxcar cp`: files between a container and the host, in either direction, as `docker cp`:
//   boxcar cp CONTAINER:SRC_PATH DEST_PATH|-
//   boxcar cp SRC_PATH|- CONTAINER:DEST_PATH
// `-` is a tar stream on stdout or stdin. A directory copied to a path that does not exist
// becomes that path; to an existing directory, it goes inside it; "SRC/." copies what SRC
// holds. Symlinks are copied as links.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/agent_connection.h"

namespace boxcar::cli {

void AddCpCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                  std::function<int()>& action);

}  // namespace boxcar::cli
