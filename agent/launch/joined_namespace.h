// A namespace the payload shares instead of getting one of its own (--network/--pid/--ipc
// container:NAME, --pid/--ipc/--uts host), as it travels in the launch spec: one string each,
// "TYPE:PID:START_TICKS" for another container's, "TYPE:host" for the one the shim was started
// in (the agent's).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct JoinedNamespace {
  std::string type;  // "net", "pid", "ipc" or "uts" (the name under /proc/<pid>/ns)
  // A process inside the namespace (the other container's PID 1); 0: the host's (the
  // namespace the shim was started in).
  pid_t pid = 0;
  // That process's start time (/proc/<pid>/stat): the shim refuses a pid reused meanwhile.
  uint64_t start_ticks = 0;
  bool host() const { return pid == 0; }
};

std::string JoinedNamespaceToText(const JoinedNamespace& joined);
// INVALID_ARGUMENT for text JoinedNamespaceToText() does not write.
StatusOr<JoinedNamespace> JoinedNamespaceFromText(const std::string& text);

// The entry of `type` in `joined`, or null.
const JoinedNamespace* FindJoinedNamespace(const std::vector<JoinedNamespace>& joined,
                                           const std::string& type);

}  // namespace boxcar
