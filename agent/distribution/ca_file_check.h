// A request's ca_file (a PEM of CA certificates to trust besides the system's), checked before
// any connection: an absolute path the agent can read, as registry and glance:// transfers take it.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// OK when `ca_file` is empty or an absolute path the agent can read; else kInvalidArgument
// naming `field`.
Status CheckCaFile(const std::string& ca_file, const std::string& field);

}  // namespace boxcar
