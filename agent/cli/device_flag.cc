#include "cli/device_flag.h"

#include <vector>

#include "cgroups/device_rules.h"

namespace boxcar::cli {

StatusOr<v1::DeviceMapping> ParseDeviceFlag(const std::string& text) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() > 3 || parts[0].empty()) {
    return InvalidArgument("--device '" + text +
                           "' is not HOST_PATH[:CONTAINER_PATH[:PERMS]] (e.g. "
                           "/dev/loop3:/dev/xvdc:rw)");
  }
  v1::DeviceMapping mapping;
  mapping.set_host_path(parts[0]);
  if (parts.size() == 2 && IsDeviceAccess(parts[1])) {
    mapping.set_permissions(parts[1]);
  } else if (parts.size() >= 2) {
    mapping.set_container_path(parts[1]);
  }
  if (parts.size() == 3) mapping.set_permissions(parts[2]);
  return mapping;
}

}  // namespace boxcar::cli
