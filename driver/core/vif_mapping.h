// Nova VIFs (network_info) -> the interfaces a container gets: a veth whose host end is named
// as Neutron expects and joins the VIF's bridge, with the port's MAC, MTU and addresses.
// The agent cannot attach interfaces yet (its Networks service is issue 17): the plan is
// checked now, so a VIF Boxcar could never plug is refused today with the reason, and the
// plug becomes one agent call when that service lands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
};

// Refuses (kInvalidArgument naming vifs[i] and the field) VIF types other than "bridge" and
// "tap", a missing or malformed MAC, a bridge-type VIF without a bridge, an MTU outside
// 68..65535, an address that is not CIDR, and a host device name over 15 characters.
StatusOr<std::vector<InterfacePlan>> PlanInterfaces(const std::vector<VifRequest>& vifs);

}  // namespace boxcar::nova
