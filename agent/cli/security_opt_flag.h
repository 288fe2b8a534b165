// `--security-opt`, as Docker's CLI reads it: `seccomp=FILE` names a profile on the caller's
// machine, whose JSON text goes into the spec (the agent never reads the caller's files);
// every other option goes as given, checked by the agent.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar::cli {

// The spec's security_opt entry for the `index`th flag; an unreadable profile is
// INVALID_ARGUMENT naming spec.security_opt[index] and the file.
StatusOr<std::string> SecurityOptForSpec(const std::string& flag, int index);

}  // namespace boxcar::cli
