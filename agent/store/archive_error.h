// libarchive's last error of an archive handle, as text: archive_error_string() returns NULL
// when libarchive recorded no message, which must never reach a std::string.
#pragma once

#include <archive.h>

#include <string>

namespace boxcar {

inline std::string ArchiveErrorText(archive* handle) {
  const char* message = handle ? archive_error_string(handle) : nullptr;
  return message ? message : "unknown libarchive error";
}

}  // namespace boxcar
