// ADD of a URL: the file fetched with libcurl into a scratch directory (mode 0600, the
// server's Last-Modified as its mtime, as Docker), hashed as it arrives and checked against
// ADD --checksum=sha256:<hex> when given. http(s) only; redirects followed (at most 5).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"

namespace boxcar {

struct DownloadedFile {
  std::string path;    // in `dir`, named after the URL's last path component
  std::string name;
  std::string digest;  // sha256:<hex> of the content
};

// Bodies larger than `max_bytes` (0: no limit) are refused; HTTP errors name the status.
// `cancelled` (may be empty) is polled while the transfer runs, also while no byte comes:
// true stops it (kCancelled).
StatusOr<DownloadedFile> DownloadUrl(const std::string& url, const std::string& dir,
                                     const std::string& checksum, uint64_t max_bytes,
                                     const std::function<bool()>& cancelled = {});

}  // namespace boxcar
