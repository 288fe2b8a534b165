// Whole-buffer writes and read-to-EOF on file descriptors, retrying EINTR and short counts, and
// the relays' flush of buffered bytes into a non-blocking descriptor.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

// `what` names the file or socket in the error.
Status WriteAll(int fd, std::string_view bytes, const std::string& what);
StatusOr<std::string> ReadAll(int fd, const std::string& what);

// Writes what a non-blocking `fd` takes of *pending, erasing it from the front (EINTR retried;
// at EAGAIN the rest waits). false when the reader is gone (EPIPE or another error): *pending
// is cleared, as nobody will read it.
bool FlushPending(int fd, std::string* pending);

}  // namespace boxcar
