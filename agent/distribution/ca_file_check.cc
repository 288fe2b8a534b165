#include "distribution/ca_file_check.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace boxcar {

Status CheckCaFile(const std::string& ca_file, const std::string& field) {
  if (ca_file.empty()) return OkStatus();
  if (ca_file[0] != '/')
    return InvalidArgument(field + ": '" + ca_file + "' must be an absolute path");
  if (::access(ca_file.c_str(), R_OK) != 0) {
    return InvalidArgument(field + ": cannot read '" + ca_file + "': " + std::strerror(errno) +
                           " (a PEM file the agent can read)");
  }
  return OkStatus();
}

}  // namespace boxcar
