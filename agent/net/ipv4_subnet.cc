#include "net/ipv4_subnet.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>

namespace boxcar {

std::string FormatIpv4(uint32_t address) {
  char text[INET_ADDRSTRLEN];
  uint32_t network_order = htonl(address);
  ::inet_ntop(AF_INET, &network_order, text, sizeof text);
  return text;
}

std::string Ipv4Subnet::ToString() const {
  return FormatIpv4(network) + "/" + std::to_string(prefix_length);
}

StatusOr<uint32_t> ParseIpv4Address(const std::string& text, const std::string& field) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, text.c_str(), &parsed) != 1) {
    return InvalidArgument(field + ": '" + text + "' is not an IPv4 address");
  }
  return ntohl(parsed.s_addr);
}

StatusOr<Ipv4Subnet> ParseIpv4Subnet(const std::string& text, const std::string& field) {
  auto slash = text.find('/');
  if (slash == std::string::npos) {
    return InvalidArgument(field + ": '" + text + "' is not a CIDR subnet (e.g. 10.88.0.0/16)");
  }
  ASSIGN_OR_RETURN(uint32_t address, ParseIpv4Address(text.substr(0, slash), field));
  const std::string length_text = text.substr(slash + 1);
  char* end = nullptr;
  long length = std::strtol(length_text.c_str(), &end, 10);
  if (length_text.empty() || *end != '\0' || length < 8 || length > 30) {
    return InvalidArgument(field + ": prefix length of '" + text + "' must be 8 to 30");
  }
  Ipv4Subnet subnet{address, static_cast<int>(length)};
  if ((address & subnet.Mask()) != address) {
    return InvalidArgument(field + ": '" + text + "' has host bits set (did you mean " +
                           FormatIpv4(address & subnet.Mask()) + "/" + length_text + "?)");
  }
  return subnet;
}

StatusOr<uint32_t> LowestFreeAddress(const Ipv4Subnet& subnet, uint32_t gateway,
                                     const std::set<uint32_t>& taken,
                                     const std::string& network_name) {
  for (uint32_t address = subnet.FirstHost(); address <= subnet.LastHost(); ++address) {
    if (address != gateway && !taken.count(address)) return address;
  }
  return ResourceExhausted("network " + network_name + ": no free address left in " +
                           subnet.ToString() + " (" + std::to_string(taken.size()) +
                           " leased); remove containers or use a larger subnet");
}

StatusOr<uint32_t> ChooseLeaseAddress(const Ipv4Subnet& subnet, uint32_t gateway,
                                      const std::set<uint32_t>& taken, const std::string& ip,
                                      const std::string& ip_field,
                                      const std::string& network_name) {
  if (ip.empty()) return LowestFreeAddress(subnet, gateway, taken, network_name);
  ASSIGN_OR_RETURN(uint32_t address, ParseIpv4Address(ip, ip_field));
  if (!subnet.Contains(address) || address == subnet.network || address == subnet.Broadcast() ||
      address == gateway) {
    return InvalidArgument(ip_field + ": " + ip + " is not a free host address of " +
                           subnet.ToString());
  }
  if (taken.count(address)) {
    return FailedPrecondition(ip_field + ": " + ip + " is leased to another container");
  }
  return address;
}

std::string MacForAddress(uint32_t address) {
  char text[18];
  std::snprintf(text, sizeof text, "02:42:%02x:%02x:%02x:%02x", (address >> 24) & 0xff,
                (address >> 16) & 0xff, (address >> 8) & 0xff, address & 0xff);
  return text;
}

Status CheckMacAddress(const std::string& mac, const std::string& field) {
  unsigned bytes[6];
  char tail = 0;
  if (mac.size() != 17 ||
      std::sscanf(mac.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &bytes[0], &bytes[1], &bytes[2],
                  &bytes[3], &bytes[4], &bytes[5], &tail) != 6) {
    return InvalidArgument(field + ": '" + mac + "' is not a MAC address (xx:xx:xx:xx:xx:xx)");
  }
  if (bytes[0] & 1) return InvalidArgument(field + ": '" + mac + "' is a multicast address");
  return OkStatus();
}

}  // namespace boxcar
