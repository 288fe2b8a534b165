// Whole-buffer writes and read-to-EOF on file descriptors, retrying EINTR and short counts.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

// `what` names the file or socket in the error.
Status WriteAll(int fd, std::string_view bytes, const std::string& what);
StatusOr<std::string> ReadAll(int fd, const std::string& what);

}  // namespace boxcar
