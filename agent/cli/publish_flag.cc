#include "cli/publish_flag.h"

#include <cstdlib>
#include <vector>

namespace boxcar::cli {

namespace {

bool ParsePort(const std::string& text, uint32_t* port) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  long value = std::strtol(text.c_str(), nullptr, 10);
  if (value < 1 || value > 65535) return false;
  *port = static_cast<uint32_t>(value);
  return true;
}

}  // namespace

StatusOr<v1::PortMapping> ParsePublishFlag(const std::string& text) {
  auto invalid = [&text](const std::string& why) {
    return InvalidArgument("--publish '" + text + "': " + why +
                           "; use [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp]");
  };
  v1::PortMapping mapping;
  std::string rest = text;
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    mapping.set_protocol(rest.substr(slash + 1));
    rest.erase(slash);
    if (mapping.protocol() != "tcp" && mapping.protocol() != "udp") {
      return invalid("protocol '" + mapping.protocol() + "' is not tcp or udp");
    }
  } else {
    mapping.set_protocol("tcp");
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = rest.find(':', start)) != std::string::npos; start = colon + 1) {
    parts.push_back(rest.substr(start, colon - start));
  }
  parts.push_back(rest.substr(start));
  if (parts.size() > 3) return invalid("too many ':'");
  for (size_t i = parts.size() == 3 ? 1 : 0; i < parts.size(); ++i) {
    if (parts[i].find('-') != std::string::npos) {
      return invalid("port ranges are not supported; give one -p per port");
    }
  }
  uint32_t port = 0;
  if (!ParsePort(parts.back(), &port)) return invalid("container port must be 1-65535");
  mapping.set_container_port(port);
  if (parts.size() >= 2 && !parts[parts.size() - 2].empty()) {
    if (!ParsePort(parts[parts.size() - 2], &port)) return invalid("host port must be 1-65535");
    mapping.set_host_port(port);
  }
  if (parts.size() == 3) mapping.set_host_ip(parts[0]);
  return mapping;
}

}  // namespace boxcar::cli
