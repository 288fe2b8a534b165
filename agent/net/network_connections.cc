// Connections of a container to bridge networks beside the one of its spec (`network
// connect` of a running container, or of one already on a network): a lease of the network
// keyed ConnectionKey(id, network), plugged as a VIF (PlugInterface) on the network's bridge,
// and the container's names in the hosts files of that network's containers.
#include <spdlog/spdlog.h>

#include <functional>
#include <set>

#include "net/ipv4_subnet.h"
#include "net/network_service.h"

namespace boxcar {

std::string ConnectionKey(const std::string& container_id, const std::string& network) {
  return container_id + "@" + network;
}

std::string LeaseHolder(const std::string& lease_key) {
  return lease_key.substr(0, lease_key.find('@'));
}

namespace {

// "by" + 8 characters of the id + 3 hex digits of the network's name (IFNAMSIZ is 16).
std::string ConnectionVethName(const std::string& container_id, const std::string& network) {
  static const char kHex[] = "0123456789abcdef";
  size_t hash = std::hash<std::string>{}(network);
  std::string name = "by" + container_id.substr(0, 8);
  for (int i = 0; i < 3; ++i, hash >>= 4) name += kHex[hash & 15];
  return name;
}

}  // namespace

StatusOr<v1::VifSpec> NetworkService::ReserveConnection(const std::string& container_id,
                                                        const std::string& network_name,
                                                        const std::string& ip) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto network = networks_.find(network_name);
  if (network == networks_.end()) {
    return NoSuchNetwork(network_name);
  }
  if (!network->second.cni_conflist().empty()) {
    return FailedPrecondition("network: " + network_name +
                              " is a CNI network; a container can join one only as the network "
                              "of its spec: stop it, disconnect it from its network, then connect");
  }
  const std::string key = ConnectionKey(container_id, network_name);
  if (leases_.count(key)) {
    return AlreadyExists("network: the container is already connected to " + network_name);
  }
  ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(network->second.subnet(), "network.subnet"));
  ASSIGN_OR_RETURN(uint32_t gateway, ParseIpv4Address(network->second.gateway(), "network.gateway"));
  std::set<uint32_t> taken;
  for (const auto& [id, lease] : leases_) {
    if (lease.network == network_name) taken.insert(lease.address);
  }
  ASSIGN_OR_RETURN(uint32_t address,
                   ChooseLeaseAddress(subnet, gateway, taken, ip, "ip", network_name));
  RETURN_IF_ERROR(EnsureNetworkPlumbing(network->second));
  // The exit's flush of an address given up an instant ago must not delete this one's entries.
  conntrack_flushes_.WaitUntilFlushed(FormatIpv4(address));
  AddressLease lease{network_name, address, key};
  RETURN_IF_ERROR(records_.InsertLease(lease));
  leases_[key] = lease;
  v1::VifSpec vif;
  vif.set_bridge(network->second.bridge());
  vif.set_host_interface(ConnectionVethName(container_id, network_name));
  vif.set_mac(MacForAddress(address));
  vif.set_mtu(network->second.mtu());
  vif.add_addresses(FormatIpv4(address) + "/" + std::to_string(subnet.prefix_length));
  // The default route only when it is the container's one interface (PlugInterface's caller
  // decides).
  vif.set_gateway(network->second.gateway());
  vif.set_network(network_name);
  return vif;
}

Status NetworkService::ReleaseConnection(const std::string& container_id,
                                         const std::string& network) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string key = ConnectionKey(container_id, network);
  auto attached = attached_.find(key);
  if (attached != attached_.end()) {
    // Its flows on that network go with it (the address may be leased again at once).
    if (!attached->second.ip.empty()) {
      FlushConntrack(container_id, ConntrackFlush{{attached->second.ip}, {}},
                     "disconnect from network " + network);
    }
    // Its own hosts file loses the network's containers too (its other networks stay).
    const Attached left = std::move(attached->second);
    attached_.erase(attached);
    RefreshHosts(network, left.etc_files_dir);
    bool on_another = false;
    for (const auto& [other_key, other] : attached_) {
      on_another |= other.etc_files_dir == left.etc_files_dir;
    }
    if (!on_another && !left.etc_files_dir.empty()) {
      // Its last network (a container of none): back to what a start writes for none.
      std::vector<HostsEntry> entries = left.extra_hosts;
      const std::string hostname = left.names.size() > 1 ? left.names[1] : left.names.front();
      entries.push_back({"127.0.0.1", {hostname}});
      Status written =
          WriteContainerEtcFile(left.etc_files_dir, kHostsFile, HostsFileContent(entries));
      if (!written.ok()) spdlog::warn("{}: {}", left.etc_files_dir, written.message());
    }
  }
  if (!leases_.count(key)) return OkStatus();
  RETURN_IF_ERROR(records_.DeleteLease(key));
  leases_.erase(key);
  return OkStatus();
}

void NetworkService::JoinConnection(const v1::Container& record, const v1::VifSpec& vif,
                                    const std::string& etc_files_dir) {
  if (vif.network().empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string ip = vif.addresses_size() ? vif.addresses(0).substr(0, vif.addresses(0).find('/')) : "";
  Attached attached{
      vif.network(),     vif.host_interface(), ip, {record.name()}, etc_files_dir, {}, {},
      ExtraHosts(record)};
  if (!record.spec().hostname().empty() && record.spec().hostname() != record.name()) {
    attached.names.push_back(record.spec().hostname());
  }
  attached.mac = vif.mac();
  attached.aliases = {vif.aliases().begin(), vif.aliases().end()};
  attached_[ConnectionKey(record.id(), vif.network())] = std::move(attached);
  RefreshHosts(vif.network());
}

void NetworkService::RenameContainer(const std::string& container_id, const std::string& old_name,
                                     const std::string& new_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> networks;
  for (auto& [key, attached] : attached_) {
    if (LeaseHolder(key) != container_id) continue;
    // The name comes first; a hostname equal to the old name stays.
    if (!attached.names.empty() && attached.names[0] == old_name) attached.names[0] = new_name;
    networks.insert(attached.network);
  }
  for (const auto& network : networks) RefreshHosts(network);
}

}  // namespace boxcar
