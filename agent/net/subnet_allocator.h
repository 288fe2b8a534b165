// The subnet of a bridge network created without one, as Docker's default address pools give
// it: the first subnet cut from the pools, in order, that overlaps no network of the agent and
// no route or address of the host. Pure, so that unit tests cover it without a network.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/ipv4_subnet.h"
#include "net/route_socket.h"

namespace boxcar {

// `base` cut into subnets of prefix length `size` (dockerd's --default-address-pool).
struct AddressPool {
  Ipv4Subnet base;
  int size = 0;
  std::string ToString() const;  // "base=172.17.0.0/16,size=16"
};

// Docker's defaults: 172.17.0.0/16 ... 172.31.0.0/16 (a /16 each), then 192.168.0.0/16 cut
// into /20s.
std::vector<AddressPool> DefaultAddressPools();

// "base=10.10.0.0/16,size=24", as dockerd takes it; errors name `field`.
StatusOr<AddressPool> ParseAddressPool(const std::string& text, const std::string& field);

// The first subnet of `pools` that overlaps none of `taken` (the agent's networks, the host's
// routes and addresses). RESOURCE_EXHAUSTED, in Docker's words, when none is left.
StatusOr<Ipv4Subnet> ChooseFreeSubnet(const std::vector<AddressPool>& pools,
                                      const std::vector<Ipv4Subnet>& taken);

// The first of the host's routes and addresses `subnet` overlaps (an explicit --subnet is
// checked with it), leaving out those on `own_links`: the agent's bridges, whose networks are
// checked as networks.
std::optional<HostIpv4Prefix> FindHostOverlap(const Ipv4Subnet& subnet,
                                              const std::vector<HostIpv4Prefix>& host_prefixes,
                                              const std::set<std::string>& own_links);

}  // namespace boxcar
