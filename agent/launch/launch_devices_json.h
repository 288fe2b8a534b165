// The "devices" field of the launch spec: [{"host_path", "target", "type": "c"|"b", "major",
// "minor", "mode", "uid", "gid"}, ...].
#pragma once

#include <vector>

#include "launch/launch_spec.h"
#include "launch/spec_json.h"

namespace boxcar {

void WriteLaunchDevices(SpecJsonWriter& writer, const std::vector<LaunchDevice>& devices);
// Absent: no devices.
Status ReadLaunchDevices(const rapidjson::Value& object, std::vector<LaunchDevice>* devices);

}  // namespace boxcar
