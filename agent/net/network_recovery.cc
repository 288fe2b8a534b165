// Recovery from what others do to the plumbing of the agent's bridge networks while it runs:
// `nft flush ruleset` (what `systemctl restart nftables` runs) or `nft delete table ip
// boxcar` takes the NAT, the published ports, the isolation and the loopback guard of every
// network; `ip link del` of a bridge cuts its running containers off and fails every start
// on it. The network change watch sees either within milliseconds and everything is put
// back from the agent's own records. The start path pays nothing for this.
#include <spdlog/spdlog.h>

#include "net/bridge_link.h"
#include "net/forward_accepts.h"
#include "net/ipv4_subnet.h"
#include "net/network_service.h"
#include "net/route_socket.h"
#include "net/veth_link.h"

namespace boxcar {

void NetworkService::StartChangeWatchLocked() {
  if (change_watch_) return;
  auto watch = NetworkChangeWatch::Start(
      kNftTableName, [this](const std::string& cause) { OnHostNetworkChanged(cause); });
  if (!watch.ok()) {
    // Still recovered: the nftables table when a start next adds to it, nothing else.
    spdlog::error(
        "networks: cannot watch for bridges and nftables tables deleted by others ({}); after "
        "`nft flush ruleset` or `ip link del` of a bridge, restart boxcard",
        watch.status().message());
    return;
  }
  change_watch_ = std::move(*watch);
}

void NetworkService::OnHostNetworkChanged(const std::string& cause) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Status restored = RestorePlumbingLocked(cause); !restored.ok()) {
    spdlog::error(
        "networks: {}, and putting back what was deleted failed: {}; containers on bridge "
        "networks may be unreachable: restart boxcard (its start-up rebuilds the table and the "
        "bridges; running containers stay up)",
        cause, restored.message());
  }
}

Status NetworkService::RestorePlumbingLocked(const std::string& cause) {
  bool table_restored = false;
  RETURN_IF_ERROR(nft_.RestoreIfMissing(&table_restored));
  if (table_restored) {
    spdlog::error(
        "networks: {}: the nftables table ip boxcar had been deleted (nft flush ruleset, "
        "systemctl restart nftables?); put back with its networks and published ports",
        cause);
  }
  if (plumbed_.empty()) return OkStatus();
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  for (const std::string& name : plumbed_) {
    auto network = networks_.find(name);
    if (network == networks_.end()) continue;
    const v1::Network& bridged = network->second;
    if (table_restored) {
      if (Status forward = EnsureForwardAccepts(name, bridged.subnet(), bridged.bridge());
          !forward.ok()) {
        spdlog::warn("{}", forward.message());
      }
    }
    StatusOr<int> index = socket.LinkIndex(bridged.bridge());
    if (index.ok()) continue;
    if (index.status().code() != StatusCode::kNotFound) return index.status();
    ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(bridged.subnet(), "network.subnet"));
    ASSIGN_OR_RETURN(uint32_t gateway, ParseIpv4Address(bridged.gateway(), "network.gateway"));
    // The same MAC as before, so the containers' ARP caches stay right.
    BridgeConfig config{bridged.bridge(), MacForAddress(gateway),
                        bridged.gateway() + "/" + std::to_string(subnet.prefix_length),
                        bridged.mtu()};
    StatusOr<int> bridge_index = EnsureBridge(socket, config);
    if (!bridge_index.ok()) return bridge_index.status().Annotate("network " + name);
    if (Status forward = EnsureForwardAccepts(name, bridged.subnet(), bridged.bridge());
        !table_restored && !forward.ok()) {
      spdlog::warn("{}", forward.message());
    }
    // The host ends outlive their bridge (deleting a bridge only frees its ports).
    int reattached = 0;
    std::string lost;
    for (const auto& [key, attached] : attached_) {
      if (attached.network != name || attached.host_interface.empty() || attached.cni) continue;
      Status on_bridge = socket.SetMaster(attached.host_interface, *bridge_index);
      if (on_bridge.ok()) on_bridge = SetHairpinMode(socket, attached.host_interface);
      if (on_bridge.ok()) {
        ++reattached;
      } else {
        lost += (lost.empty() ? "" : ", ") + LeaseHolder(key).substr(0, 12) + " (" +
                on_bridge.message() + ")";
      }
    }
    spdlog::error(
        "network {}: {}: bridge {} had been deleted; made again, {} running container(s) put "
        "back on it",
        name, cause, bridged.bridge(), reattached);
    if (!lost.empty()) {
      spdlog::error(
          "network {}: not back on bridge {}: {}; restart those containers (boxcar restart)", name,
          bridged.bridge(), lost);
    }
  }
  return OkStatus();
}

}  // namespace boxcar
