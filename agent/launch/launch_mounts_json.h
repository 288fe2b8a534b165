// The "mounts" field of the launch spec: [{"kind": "bind"|"tmpfs", "source", "target",
// "read_only", "tmpfs_size_bytes", "tmpfs_mode"}, ...].
#pragma once

#include <vector>

#include "launch/launch_spec.h"
#include "launch/spec_json.h"

namespace boxcar {

void WriteLaunchMounts(SpecJsonWriter& writer, const std::vector<LaunchMount>& mounts);
// Absent: no mounts.
Status ReadLaunchMounts(const rapidjson::Value& object, std::vector<LaunchMount>* mounts);

}  // namespace boxcar
