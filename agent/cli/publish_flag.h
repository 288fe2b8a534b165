// `-p [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp]` as a PortMapping (no HOST_PORT: the
// agent picks a free one).
#pragma once

#include <string>

#include "boxcar/v1/networks.pb.h"
#include "common/status.h"

namespace boxcar::cli {

StatusOr<v1::PortMapping> ParsePublishFlag(const std::string& text);

}  // namespace boxcar::cli
