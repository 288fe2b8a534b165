// Nova VIFs (network_info) -> the interfaces a container gets: a veth whose host end is named
// as Neutron expects and joins the VIF's bridge (made when the network asks for it, as os-vif
// does for linuxbridge), with the port's MAC, MTU and IPv4 addresses; the agent plugs each
// one (Networks.AttachInterface) at the start and hot into a running container.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxcar/v1/networks.pb.h"
#include "common/status.h"
#include "core/nova_types.h"

namespace boxcar::nova {

struct InterfacePlan {
  std::string port_id;
  std::string host_ifname;       // "tap<port id[:11]>" unless the VIF names its device
  std::string container_ifname;  // eth0, eth1, ... in network_info order
  std::string bridge;
  std::string mac_address;
  uint32_t mtu = 0;
  std::vector<std::string> addresses;  // CIDR
  std::string gateway_v4;
  std::string gateway_v6;
  std::vector<std::string> dns_servers;
  bool create_bridge = false;
};

// Refuses (kInvalidArgument naming vifs[i] and the field) VIF types other than "bridge" and
// "tap", a missing or malformed MAC, a bridge-type VIF without a bridge, an MTU outside
// 68..65535, an address that is not CIDR, and a host device name over 15 characters.
StatusOr<std::vector<InterfacePlan>> PlanInterfaces(const std::vector<VifRequest>& vifs);

// What the agent plugs for `plan`: IPv4 addresses and gateway only (the agent configures no
// IPv6 yet: those addresses are left to the payload, e.g. SLAAC); `name` inside the container
// (empty: the agent picks the first free ethN).
v1::VifSpec VifSpecFor(const InterfacePlan& plan, const std::string& name);

}  // namespace boxcar::nova
