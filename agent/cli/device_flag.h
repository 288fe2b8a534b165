// `--device HOST_PATH[:CONTAINER_PATH[:PERMS]]` as a DeviceMapping, split as Docker splits it:
// "HOST:rw" gives permissions when the second part is some of r, w and m, else a container
// path. The agent checks the paths and permissions (naming spec.devices[i]).
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

StatusOr<v1::DeviceMapping> ParseDeviceFlag(const std::string& text);

}  // namespace boxcar::cli
