// `boxcar inspect CONTAINER...`: the Container messages with Docker's keys beside their own
// (cli/docker_container_view.h), as an indented JSON array or a --format line each.
#pragma once

#include <string>
#include <vector>

#include "cli/agent_connection.h"

namespace boxcar::cli {

// `with_size` (inspect -s): Docker's SizeRw and SizeRootFs too, from one DiskUsage call.
int InspectContainers(AgentConnection& agent, const std::vector<std::string>& names,
                      const std::string& format, bool with_size = false);

}  // namespace boxcar::cli
