// `--sysctl KEY=VALUE` (repeatable) and `--shm-size SIZE` as the spec's sysctls and
// shm_size_bytes. Only what cannot be put into the spec is refused here (no '=', a size that
// is not one); the agent checks the keys (naming spec.sysctls[KEY]).
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

Status ApplySysctlFlags(const std::vector<std::string>& sysctls, const std::string& shm_size,
                        v1::ContainerSpec* spec);

}  // namespace boxcar::cli
