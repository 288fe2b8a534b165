// Where a container's state lives under the agent's root: containers/<id>/, holding the files
// its shim writes (logs, the exit record, the shim's own log).
#pragma once

#include <string>

namespace boxcar {

inline std::string ContainerStateDir(const std::string& root_dir, const std::string& id) {
  return root_dir + "/containers/" + id;
}

// Files of a state directory, as suffixes of its path. The shim opens the logs O_APPEND |
// O_CREAT (0640) and renames the exit record into place when the payload has exited.
// The payload's output, both streams as records (launch/log_records.h).
inline constexpr const char* kOutputLogFile = "/output.log";
// Where shims before output records wrote stdout and stderr raw (core/output_log_cursor.h).
inline constexpr const char* kStdoutLogFile = "/stdout.log";
inline constexpr const char* kStderrLogFile = "/stderr.log";
inline constexpr const char* kShimLogFile = "/shim.log";
inline constexpr const char* kExitRecordFile = "/exit.json";
inline constexpr const char* kContainerLogFiles[] = {kOutputLogFile, kShimLogFile};

}  // namespace boxcar
