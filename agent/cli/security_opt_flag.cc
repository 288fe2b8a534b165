#include "cli/security_opt_flag.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace boxcar::cli {

StatusOr<std::string> SecurityOptForSpec(const std::string& flag, int index) {
  // "seccomp=VALUE" or Docker's older "seccomp:VALUE".
  if (flag.rfind("seccomp=", 0) != 0 && flag.rfind("seccomp:", 0) != 0) return flag;
  const std::string value = flag.substr(8);
  if (value == "unconfined" || value == "builtin" || value.empty() || value.front() == '{')
    return flag;  // the agent checks the text
  std::ifstream in(value, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return InvalidArgument("spec.security_opt[" + std::to_string(index) +
                           "]: cannot read the seccomp profile '" + value +
                           "': " + std::strerror(errno));
  }
  return "seccomp=" + text.str();
}

}  // namespace boxcar::cli
