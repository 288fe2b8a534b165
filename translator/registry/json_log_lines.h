// --log-format json: every log line of boxcar-registry as one JSON object
// {"time","level","service","msg"} for log collectors (journald forwarders, Loki, Elastic),
// instead of the default text line. The message is escaped as a JSON string, so quotes,
// backslashes and control characters in a path or an error never break the line.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace boxcar::registry {

// A formatter for spdlog sinks: one JSON object per line, time in UTC.
std::unique_ptr<spdlog::formatter> JsonLogLineFormatter();

}  // namespace boxcar::registry
