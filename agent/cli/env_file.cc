#include "cli/env_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace boxcar::cli {

StatusOr<std::vector<std::string>> ReadEnvFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return InvalidArgument("--env-file " + path + ": " + std::strerror(errno) +
                           " (give a file of KEY=value lines)");
  }
  std::vector<std::string> entries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line.erase(0, start);
    const size_t equals = line.find('=');
    const std::string name = line.substr(0, equals);
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
      return InvalidArgument("--env-file " + path + " line " + std::to_string(number) + ": '" +
                             name + "' is not a variable name (KEY=value lines)");
    }
    if (equals != std::string::npos) {
      entries.push_back(line);
    } else if (const char* value = std::getenv(name.c_str()); value != nullptr) {
      entries.push_back(name + "=" + value);
    }
  }
  if (in.bad()) return InvalidArgument("--env-file " + path + ": read failed");
  return entries;
}

}  // namespace boxcar::cli
