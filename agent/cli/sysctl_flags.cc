#include "cli/sysctl_flags.h"

#include "cli/human_format.h"

namespace boxcar::cli {

Status ApplySysctlFlags(const std::vector<std::string>& sysctls, const std::string& shm_size,
                        v1::ContainerSpec* spec) {
  for (const std::string& text : sysctls) {
    const size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      return InvalidArgument("--sysctl '" + text +
                             "' is not KEY=VALUE (e.g. net.ipv4.ip_forward=1)");
    }
    // A key given twice: the last value wins, as Docker's.
    (*spec->mutable_sysctls())[text.substr(0, equals)] = text.substr(equals + 1);
  }
  if (!shm_size.empty()) {
    auto bytes = ParseByteSize(shm_size);
    if (!bytes) {
      return InvalidArgument("--shm-size '" + shm_size + "' is not a size; use e.g. 128m or 1g");
    }
    spec->set_shm_size_bytes(*bytes);
  }
  return OkStatus();
}

}  // namespace boxcar::cli
