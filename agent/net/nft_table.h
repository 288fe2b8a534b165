// The one nftables table Boxcar owns, `ip boxcar`, through libnftables: a set of the
// networks' subnets (one masquerade rule covers them all), sets of their bridges (one rule
// isolates every network from the others and from the outside) and two maps of published ports
// (any host address / one host address), so starting a container adds map elements and never
// changes a chain. Created at the first network's use, so an agent that has no network never
// touches nftables.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>

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

// The table keeps a record of the elements it was given, so that it can put itself back
// whole when someone else deleted it (`nft flush ruleset`, as `systemctl restart nftables`
// runs it): Restore, from the network change watch, or an add that finds the table gone.
class NftTable {
 public:
  NftTable();
  ~NftTable();
  NftTable(const NftTable&) = delete;

  // (Re)creates the table empty, in one transaction: chains, set and maps. The record of
  // elements starts empty too (the caller adds them again).
  Status Reset();
  // Reset() unless done already by this object.
  Status EnsureInstalled();
  // A bridge network: its subnet (masquerade) and its bridge (isolation), in one transaction.
  // An add that fails on a table someone deleted restores the table first and tries again.
  Status AddNetwork(const std::string& cidr, const std::string& bridge);
  Status RemoveNetwork(const std::string& cidr, const std::string& bridge);
  Status AddPort(const PortRule& rule);
  Status RemovePort(const PortRule& rule);
  // Removes the table (the agent's last network went).
  Status Remove();
  // When installed: NOT_FOUND naming what is missing of the table (itself, a chain, a set),
  // OK otherwise or when not installed. One listing without the elements.
  Status Check();
  // When installed and Check finds something missing: the table and every recorded element
  // again, in one transaction. `*restored` says whether it did.
  Status RestoreIfMissing(bool* restored);

 private:
  Status Run(const std::string& commands, const std::string& what);
  Status CheckLocked();
  Status RestoreIfMissingLocked(bool* restored);
  // Run(commands); on a failure, restores a table found missing and runs them again.
  Status RunRestoring(const std::string& commands, const std::string& what);
  std::mutex mutex_;
  nft_ctx* context_ = nullptr;
  bool installed_ = false;
  // What was added and not removed since the last Reset: ("add element ..." bodies).
  std::set<std::pair<std::string, std::string>> networks_;  // (cidr, bridge)
  std::set<std::string> port_elements_;
};

}  // namespace boxcar
