// `boxcar stats`: resource usage of running containers, refreshed every second until
// interrupted (as `docker stats`), or printed once with --no-stream.
#pragma once

#include <string>
#include <vector>

#include "cli/agent_connection.h"

namespace boxcar::cli {

struct StatsOptions {
  std::vector<std::string> names;  // empty: every running container, as they come and go
  bool json = false;               // one JSON array per refresh, one a line
  bool no_stream = false;
};

int RunStats(AgentConnection& agent, const StatsOptions& options);

}  // namespace boxcar::cli
