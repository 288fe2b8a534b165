// The one nftables table Boxcar owns, `ip boxcar`, through libnftables: a set of the
// networks' subnets (one masquerade rule covers them all), sets of their bridges (one rule
// isolates every network from the others and from the outside) and two maps of published ports
// (any host address / one host address), so starting a container adds map elements and never
// changes a chain. Created at the first network's use, so an agent that has no network never
// touches nftables.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "common/status.h"

struct nft_ctx;

namespace boxcar {

inline constexpr const char* kNftTableName = "boxcar";

struct PortRule {
  std::string host_ip;  // empty: every local address (127.0.0.1 included)
  std::string protocol;  // "tcp" or "udp"
  uint32_t host_port = 0;
  std::string container_ip;
  uint32_t container_port = 0;
};

class NftTable {
 public:
  NftTable();
  ~NftTable();
  NftTable(const NftTable&) = delete;

  // (Re)creates the table empty, in one transaction: chains, set and maps.
  Status Reset();
  // Reset() unless done already by this object.
  Status EnsureInstalled();
  // A bridge network: its subnet (masquerade) and its bridge (isolation), in one transaction.
  Status AddNetwork(const std::string& cidr, const std::string& bridge);
  Status RemoveNetwork(const std::string& cidr, const std::string& bridge);
  Status AddPort(const PortRule& rule);
  Status RemovePort(const PortRule& rule);
  // Removes the table (the agent's last network went).
  Status Remove();

 private:
  Status Run(const std::string& commands, const std::string& what);
  std::mutex mutex_;
  nft_ctx* context_ = nullptr;
  bool installed_ = false;
};

}  // namespace boxcar
