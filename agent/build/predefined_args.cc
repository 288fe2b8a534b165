#include "build/predefined_args.h"

#include <algorithm>

namespace boxcar {

const std::vector<std::string>& PredefinedProxyArgs() {
  static const std::vector<std::string> names = {
      "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
      "ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy"};
  return names;
}

std::optional<std::string> UnconsumedBuildArgsWarning(
    const std::map<std::string, std::string>& build_args, const std::set<std::string>& declared) {
  const auto& proxies = PredefinedProxyArgs();
  std::string unused;
  for (const auto& [name, value] : build_args) {
    if (declared.count(name) || std::find(proxies.begin(), proxies.end(), name) != proxies.end()) {
      continue;
    }
    unused += (unused.empty() ? "" : " ") + name;
  }
  if (unused.empty()) return std::nullopt;
  return "One or more build-args [" + unused + "] were not consumed";
}

}  // namespace boxcar
