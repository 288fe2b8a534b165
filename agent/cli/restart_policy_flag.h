// --restart no|on-failure[:N]|always, as Docker spells it.
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

// The policy `text` names; INVALID_ARGUMENT naming the flag when it names none.
StatusOr<v1::RestartPolicy> ParseRestartPolicy(const std::string& text);
std::string RestartPolicyText(const v1::RestartPolicy& policy);

}  // namespace boxcar::cli
