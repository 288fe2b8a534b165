// The Linux bridge of a network: created with a fixed MAC, its MTU and the gateway address,
// up, with IPv4 forwarding and route_localnet (so 127.0.0.1 published ports can be DNATed to
// it), all through netlink and procfs in the agent's network namespace.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "net/route_socket.h"

namespace boxcar {

struct BridgeConfig {
  std::string name;          // at most 15 characters
  std::string mac;           // fixed, so neighbours' ARP caches survive a re-creation; or empty
  // "10.88.0.1/16"; empty: a plain L2 bridge (a VIF's), no address, no forwarding sysctls.
  std::string gateway_cidr;
  uint32_t mtu = 1500;
};

// Creates the bridge unless it exists, then makes sure of its address, state and sysctls.
// Returns its index.
StatusOr<int> EnsureBridge(const RouteSocket& socket, const BridgeConfig& config);

}  // namespace boxcar
