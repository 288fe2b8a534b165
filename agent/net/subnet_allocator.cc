#include "net/subnet_allocator.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace boxcar {

std::string AddressPool::ToString() const {
  return "base=" + base.ToString() + ",size=" + std::to_string(size);
}

std::vector<AddressPool> DefaultAddressPools() {
  std::vector<AddressPool> pools;
  for (uint32_t second = 17; second <= 31; ++second) {
    pools.push_back({{(172u << 24) | (second << 16), 16}, 16});
  }
  pools.push_back({{(192u << 24) | (168u << 16), 16}, 20});
  return pools;
}

StatusOr<AddressPool> ParseAddressPool(const std::string& text, const std::string& field) {
  const std::string usage =
      field + ": '" + text + "' is not base=CIDR,size=N (e.g. base=10.10.0.0/16,size=24)";
  const std::string base_key = "base=";
  const std::string size_key = ",size=";
  const size_t size_at = text.find(size_key);
  if (text.compare(0, base_key.size(), base_key) != 0 || size_at == std::string::npos) {
    return InvalidArgument(usage);
  }
  AddressPool pool;
  ASSIGN_OR_RETURN(
      pool.base,
      ParseIpv4Subnet(text.substr(base_key.size(), size_at - base_key.size()), field + ".base"));
  const std::string size_text = text.substr(size_at + size_key.size());
  char* end = nullptr;
  const long size = std::strtol(size_text.c_str(), &end, 10);
  if (size_text.empty() || *end != '\0') return InvalidArgument(usage);
  if (size < pool.base.prefix_length || size > 30) {
    return InvalidArgument(field + ".size: " + size_text + " must be " +
                           std::to_string(pool.base.prefix_length) +
                           " to 30 (the base's prefix "
                           "length at least, room for hosts at most)");
  }
  pool.size = static_cast<int>(size);
  return pool;
}

StatusOr<Ipv4Subnet> ChooseFreeSubnet(const std::vector<AddressPool>& pools,
                                      const std::vector<Ipv4Subnet>& taken) {
  for (const AddressPool& pool : pools) {
    const uint64_t step = uint64_t{1} << (32 - pool.size);
    const uint64_t end = uint64_t{pool.base.Broadcast()} + 1;
    for (uint64_t at = pool.base.network; at < end;) {
      const Ipv4Subnet candidate{static_cast<uint32_t>(at), pool.size};
      uint64_t next = at + step;
      bool free = true;
      for (const Ipv4Subnet& other : taken) {
        if (!candidate.Overlaps(other)) continue;
        free = false;
        // A taken prefix larger than a candidate covers the candidates up to its end.
        next = std::max(next, uint64_t{other.Broadcast()} + 1);
      }
      if (free) return candidate;
      at = next;
    }
  }
  std::string listed;
  for (const AddressPool& pool : pools) listed += (listed.empty() ? "" : "; ") + pool.ToString();
  return ResourceExhausted(
      "network.subnet: could not find an available, non-overlapping IPv4 address pool among "
      "the defaults to assign to the network (" +
      listed + "); give one with --subnet, or more pools to the agent (--default-address-pool)");
}

std::optional<HostIpv4Prefix> FindHostOverlap(const Ipv4Subnet& subnet,
                                              const std::vector<HostIpv4Prefix>& host_prefixes,
                                              const std::set<std::string>& own_links) {
  for (const HostIpv4Prefix& used : host_prefixes) {
    if (own_links.count(used.device)) continue;
    if (subnet.Overlaps(used.prefix)) return used;
  }
  return std::nullopt;
}

}  // namespace boxcar
