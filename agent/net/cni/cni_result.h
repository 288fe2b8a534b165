// What a container's endpoint shows of a CNI ADD result: its first IPv4 address with the
// prefix length, the gateway and the MAC of the interface that holds it (CNI spec, "Result":
// ips[].interface indexes interfaces[]; the plugins of 0.4.0 and 1.0.0 write the same).
#pragma once

#include <cstdint>
#include <string>

namespace boxcar {

struct CniResultAddress {
  std::string ip;  // "10.22.0.5"; empty when the result has no IPv4 address
  uint32_t prefix_length = 0;
  std::string gateway;  // empty when the plugin named none
  std::string mac;      // of ips[].interface, else of the first interface in a sandbox
};

// Never fails: an unreadable result or one without an IPv4 address gives empty fields.
CniResultAddress ParseCniResultAddress(const std::string& result_json);

}  // namespace boxcar
