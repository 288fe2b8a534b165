#include "launch/sysctl_key.h"

namespace boxcar {

StatusOr<std::string> SysctlProcPath(const std::string& key) {
  const size_t first_separator = key.find_first_of("./");
  const bool slashes_separate = first_separator != std::string::npos && key[first_separator] == '/';
  std::string path = key;
  if (!slashes_separate) {
    for (char& c : path) {
      if (c == '.')
        c = '/';
      else if (c == '/')
        c = '.';
    }
  }
  size_t start = 0;
  while (true) {
    const size_t end = path.find('/', start);
    const std::string name = path.substr(start, end == std::string::npos ? end : end - start);
    if (name.empty() || name == "." || name == "..") {
      return InvalidArgument("'" + key + "' is not a sysctl key (an empty name, '.' or '..')");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return path;
}

SysctlSetting SplitSysctlSetting(const std::string& setting) {
  const size_t equals = setting.find('=');
  if (equals == std::string::npos) return {setting, ""};
  return {setting.substr(0, equals), setting.substr(equals + 1)};
}

}  // namespace boxcar
