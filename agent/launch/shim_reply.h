// boxcar-shim's reply line "error CODE MESSAGE" as the status of a start (every launcher:
// the shim launcher and the libvirt backend's control channel).
#pragma once

#include <istream>

#include "common/status.h"

namespace boxcar {

// `words` is positioned after "error": the exit code goes to *exit_code_hint (126/127: the
// command could not be run, an INVALID_ARGUMENT naming it), the rest is the message.
Status ShimErrorStatus(std::istream& words, int* exit_code_hint);

}  // namespace boxcar
