// A container's veth pair: the host end on the network's bridge, the other end created
// directly inside the container's network namespace (eth0 unless named) (one netlink request, so no
// half-moved pair is ever left), then its address and default route set from inside.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/route_socket.h"

namespace boxcar {

struct VethConfig {
  std::string host_name;        // e.g. "bx" + 11 characters of the container id
  int bridge_index = 0;
  int container_netns_fd = -1;
  std::string container_mac;
  uint32_t mtu = 1500;
  std::vector<std::string> container_cidrs;  // "10.88.0.2/16"
  std::string gateway;                       // "10.88.0.1"; empty: no default route
  std::string container_name = "eth0";       // the end inside the container
};

inline constexpr const char* kContainerInterface = "eth0";

// Creates the pair (host end up, on the bridge) and configures the container's end.
Status CreateContainerVeth(const RouteSocket& host_socket, const VethConfig& config);

// NOTE: with br_netfilter (built into this kind of kernel, bridge-nf-call-iptables=1) a
// container's packet to its own published port is DNATed while still being bridged and must
// leave through the port it came in: hairpin mode on the bridge port `name` lets it.
Status SetHairpinMode(const RouteSocket& socket, const std::string& name);

}  // namespace boxcar
