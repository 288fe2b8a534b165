// --restart no|on-failure[:N]|always, as Docker spells it.
#pragma once

#include <optional>
#include <string>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::cli {

// nullopt (after printing why) when `text` is not a policy.
std::optional<v1::RestartPolicy> ParseRestartPolicy(const std::string& text);
std::string RestartPolicyText(const v1::RestartPolicy& policy);

}  // namespace boxcar::cli
