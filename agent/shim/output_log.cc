#include "shim/output_log.h"

#include <errno.h>
#include <unistd.h>

#include <cstdio>

#include "common/unix_time.h"

namespace boxcar {

bool CopyToOutputLog(int from, int log_fd, LogRecordStream stream) {
  // A pipe holds 64 KiB by default: one read takes all of it. The shims are single-threaded.
  static char chunk[64 * 1024];
  ssize_t n = ::read(from, chunk, sizeof chunk);
  if (n > 0) {
    Status appended = AppendLogRecord(log_fd, stream, std::string_view(chunk, static_cast<size_t>(n)),
                                      NowUnixNs());
    // Once: a full disk would otherwise fill the shim's log with the same line.
    static bool reported = false;
    if (!appended.ok() && !reported) {
      reported = true;
      std::fprintf(stderr, "boxcar-shim: %s\n", appended.message().c_str());
    }
    return true;
  }
  return n < 0 && (errno == EAGAIN || errno == EINTR);
}

}  // namespace boxcar
