// The identity of one agent: a random id made at its first start and kept under its --root.
// Everything an agent creates outside its root in places it shares with other agents on the
// host (prewarmed cgroup slots under a common --cgroup-parent, nftables tables, ...) carries
// this id, so that an agent creates, adopts and removes only what it made.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// 12 lower-case hex characters from `<root_dir>/instance-id`, created (atomically) when
// missing or unreadable.
StatusOr<std::string> LoadOrCreateAgentInstanceId(const std::string& root_dir);

}  // namespace boxcar
