// IPv4 addresses and subnets as numbers: parsing, printing and the address arithmetic of
// IPAM. Pure, so that unit tests cover it without a network.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "common/status.h"

namespace boxcar {

struct Ipv4Subnet {
  uint32_t network = 0;  // host byte order, host bits zero
  int prefix_length = 0;

  uint32_t Mask() const { return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length); }
  uint32_t Broadcast() const { return network | ~Mask(); }
  bool Contains(uint32_t address) const { return (address & Mask()) == network; }
  // Whether the two share an address (one holds the other's network address).
  bool Overlaps(const Ipv4Subnet& other) const {
    return Contains(other.network) || other.Contains(network);
  }
  // The first and last addresses a host may have (network and broadcast excluded).
  uint32_t FirstHost() const { return network + 1; }
  uint32_t LastHost() const { return Broadcast() - 1; }
  std::string ToString() const;
};

// "10.88.0.0/16"; `field` names what the caller checks. Host bits must be zero.
StatusOr<Ipv4Subnet> ParseIpv4Subnet(const std::string& text, const std::string& field);
StatusOr<uint32_t> ParseIpv4Address(const std::string& text, const std::string& field);
std::string FormatIpv4(uint32_t address);

// The lowest host address of `subnet` that is neither `gateway` nor in `taken`;
// RESOURCE_EXHAUSTED naming `network_name` when there is none.
StatusOr<uint32_t> LowestFreeAddress(const Ipv4Subnet& subnet, uint32_t gateway,
                                     const std::set<uint32_t>& taken,
                                     const std::string& network_name);

// The address of a new lease: `ip` when given (checked: a host address of `subnet`, not the
// gateway, not `taken`; errors name `ip_field`), else LowestFreeAddress.
StatusOr<uint32_t> ChooseLeaseAddress(const Ipv4Subnet& subnet, uint32_t gateway,
                                      const std::set<uint32_t>& taken, const std::string& ip,
                                      const std::string& ip_field,
                                      const std::string& network_name);

// A locally administered unicast MAC derived from an address (02:42:a.b.c.d, as Docker does),
// so a container keeps its MAC across restarts without storing it.
std::string MacForAddress(uint32_t address);
// "xx:xx:xx:xx:xx:xx", unicast (low bit of the first byte clear).
Status CheckMacAddress(const std::string& mac, const std::string& field);

}  // namespace boxcar
