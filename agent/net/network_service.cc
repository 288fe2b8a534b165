// Networks and leases: create, list, inspect, remove; Reserve and Release at container
// Create and Remove; Recover at start-up.
#include "net/network_service.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <regex>
#include <set>

#include "common/crash_points.h"
#include "common/identifiers.h"
#include "net/cni/cni_result.h"
#include "net/forward_accepts.h"
#include "net/ipv4_subnet.h"
#include "net/network_alias.h"
#include "net/route_socket.h"

namespace boxcar {

namespace {

bool IsLiveState(v1::ContainerState state) {
  return state == v1::CONTAINER_STATE_RUNNING || state == v1::CONTAINER_STATE_PAUSED;
}

Status CheckPorts(v1::NetworkSpec* spec) {
  for (int i = 0; i < spec->ports_size(); ++i) {
    v1::PortMapping* port = spec->mutable_ports(i);
    const std::string field = "spec.network.ports[" + std::to_string(i) + "]";
    if (port->protocol().empty()) port->set_protocol("tcp");
    if (port->protocol() != "tcp" && port->protocol() != "udp") {
      return InvalidArgument(field + ".protocol: '" + port->protocol() + "' is not tcp or udp");
    }
    if (port->container_port() == 0 || port->container_port() > 65535) {
      return InvalidArgument(field + ".container_port: must be 1-65535");
    }
    if (port->host_port() > 65535) return InvalidArgument(field + ".host_port: must be 0-65535");
    if (!port->host_ip().empty()) {
      RETURN_IF_ERROR(ParseIpv4Address(port->host_ip(), field + ".host_ip").status());
      if (port->host_ip() == "0.0.0.0") port->clear_host_ip();
    }
    // Twice the same host port (on the same or every address) would fail every start.
    for (int j = 0; j < i && port->host_port() != 0; ++j) {
      const v1::PortMapping& earlier = spec->ports(j);
      if (earlier.host_port() == port->host_port() && earlier.protocol() == port->protocol() &&
          (earlier.host_ip().empty() || port->host_ip().empty() ||
           earlier.host_ip() == port->host_ip())) {
        return InvalidArgument(field + ".host_port: " + std::to_string(port->host_port()) + "/" +
                               port->protocol() + " is published by spec.network.ports[" +
                               std::to_string(j) + "] too");
      }
    }
  }
  return OkStatus();
}

}  // namespace

std::string HostVethName(const std::string& container_id) {
  return "bx" + container_id.substr(0, 11);
}

NetworkService::NetworkService(NetworkServiceConfig config, SqliteDatabase* db)
    : config_(std::move(config)),
      records_(db),
      cni_exec_(config_.cni_path),
      cni_cache_(config_.cni_state_dir + "/results") {}

Status NetworkService::Recover(
    const std::vector<v1::Container>& containers,
    const std::function<std::string(const std::string& id)>& etc_files_dir_of) {
  ASSIGN_OR_RETURN(std::vector<v1::Network> networks, records_.LoadNetworks());
  ASSIGN_OR_RETURN(std::vector<AddressLease> leases, records_.LoadLeases());
  std::map<std::string, const v1::Container*> by_id;
  for (const auto& container : containers) by_id[container.id()] = &container;
  std::lock_guard<std::mutex> lock(mutex_);
  etc_files_dir_of_ = etc_files_dir_of;
  for (auto& network : networks) networks_[network.name()] = std::move(network);
  auto route_socket = RouteSocket::Open();
  // VIFs: no lease, no table; a running one is known again, a stopped one's host end goes.
  for (const auto& container : containers) {
    const v1::NetworkEndpoint& endpoint = container.network_endpoint();
    if (container.spec().network().mode() != kNetworkVif || endpoint.host_interface().empty()) continue;
    if (IsLiveState(container.state())) {
      attached_[container.id()] = {endpoint.network(),
                                   endpoint.host_interface(),
                                   endpoint.ip(),
                                   {container.name(), container.spec().hostname()},
                                   etc_files_dir_of(container.id()),
                                   {},
                                   {},
                                   ExtraHosts(container)};
    } else if (route_socket.ok()) {
      (void)route_socket->DeleteVeth(endpoint.host_interface());
    }
  }
  for (const auto& lease : leases) {
    if (!by_id.count(LeaseHolder(lease.container_id))) {
      spdlog::info("network {}: releasing the lease of {} held by removed container {}",
                   lease.network, FormatIpv4(lease.address), lease.container_id.substr(0, 12));
      RETURN_IF_ERROR(records_.DeleteLease(lease.container_id));
      continue;
    }
    leases_[lease.container_id] = lease;
  }
  RecoverCni(by_id);
  bool any_bridge = false;
  for (const auto& [name, network] : networks_) any_bridge |= network.cni_conflist().empty();
  if (!any_bridge) return OkStatus();  // nothing of ours on the host's network
  StartChangeWatchLocked();
  // The table is rebuilt from the records: elements of containers that ended while the agent
  // was away vanish, the running ones' come back.
  RETURN_IF_ERROR(nft_.Reset());
  ConntrackFlush exited_flows;  // of containers that exited while the agent was away
  for (const auto& [id, lease] : leases_) {
    const v1::Container& container = *by_id.at(LeaseHolder(id));
    if (id != container.id()) {
      // A connection beside the spec's network: its VIF is known again below.
      continue;
    }
    if (!IsLiveState(container.state())) {
      if (route_socket.ok()) (void)route_socket->DeleteLink(HostVethName(id));
      exited_flows.addresses.push_back(FormatIpv4(lease.address));
      continue;
    }
    auto network = networks_.find(lease.network);
    if (network == networks_.end()) continue;
    RETURN_IF_ERROR(EnsureNetworkPlumbing(network->second));
    Attached attached{lease.network,
                      HostVethName(id),
                      FormatIpv4(lease.address),
                      {container.name(), container.spec().hostname()},
                      etc_files_dir_of(container.id()),
                      {},
                      {},
                      ExtraHosts(container)};
    attached.mac = container.network_endpoint().mac();
    attached.aliases = {container.spec().network().aliases().begin(),
                        container.spec().network().aliases().end()};
    for (const auto& port : container.published_ports()) {
      PortRule rule{port.host_ip(), port.protocol(), port.host_port(), attached.ip,
                    port.container_port()};
      auto claimed = ports_.Claim(id, rule.host_ip, rule.protocol, rule.host_port, "port");
      if (!claimed.ok()) {
        spdlog::warn("container {}: {}", id.substr(0, 12), claimed.status().message());
        continue;
      }
      if (Status added = nft_.AddPort(rule); !added.ok()) {
        spdlog::warn("container {}: {}", id.substr(0, 12), added.message());
      }
      attached.ports.push_back(rule);
    }
    attached_[id] = std::move(attached);
  }
  if (auto deleted = DeleteConntrackEntries(exited_flows); !deleted.ok()) {
    spdlog::warn("network recovery: {}", deleted.status().message());
  }
  // Connections of running containers beside their spec's network: bridge up, hosts entries.
  for (const auto& container : containers) {
    if (!IsLiveState(container.state())) continue;
    for (const auto& vif : container.interfaces()) {
      if (vif.network().empty() || !leases_.count(ConnectionKey(container.id(), vif.network())))
        continue;
      auto network = networks_.find(vif.network());
      if (network == networks_.end()) continue;
      RETURN_IF_ERROR(EnsureNetworkPlumbing(network->second));
      attached_[ConnectionKey(container.id(), vif.network())] = {
          vif.network(),
          vif.host_interface(),
          vif.addresses_size() ? vif.addresses(0).substr(0, vif.addresses(0).find('/')) : "",
          {container.name(), container.spec().hostname()},
          etc_files_dir_of(container.id()),
          {},
          {},
          ExtraHosts(container)};
      attached_[ConnectionKey(container.id(), vif.network())].aliases = {vif.aliases().begin(),
                                                                         vif.aliases().end()};
    }
  }
  return OkStatus();
}

StatusOr<v1::Network> NetworkService::CreateNetwork(const v1::Network& wanted) {
  // Under the lock from the check to the record: two creates never get one free subnet.
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(v1::Network network,
                   CheckNewNetworkLocked(wanted, /*adopt_existing_bridge=*/false));
  RETURN_IF_ERROR(AddNetworkLocked(network));
  return network;
}

Status NetworkService::AddNetworkLocked(const v1::Network& network) {
  RETURN_IF_ERROR(records_.InsertNetwork(network));
  networks_[network.name()] = network;
  if (network.name() == kDefaultBridgeNetwork) builtin_made_for_.clear();
  if (!network.cni_conflist().empty()) {
    spdlog::info("network {} created: CNI conflist", network.name());
  } else {
    StartChangeWatchLocked();
    spdlog::info("network {} created: {} on bridge {}", network.name(), network.subnet(),
                 network.bridge());
  }
  return OkStatus();
}

StatusOr<Ipv4Subnet> NetworkService::FreeSubnetLocked() {
  std::vector<Ipv4Subnet> taken;
  for (const auto& [name, network] : networks_) {
    if (!network.cni_conflist().empty()) continue;
    if (auto subnet = ParseIpv4Subnet(network.subnet(), "subnet"); subnet.ok()) {
      taken.push_back(*subnet);
    }
  }
  if (!networks_.count(kDefaultBridgeNetwork)) {
    taken.push_back(*ParseIpv4Subnet(kDefaultBridgeSubnet, "subnet"));
  }
  // NOTE: read only; the namespace the agent runs in is the host's network as it sees it.
  auto socket = RouteSocket::Open();
  auto host_prefixes =
      socket.ok() ? socket->Ipv4Prefixes() : StatusOr<std::vector<Ipv4Subnet>>(socket.status());
  if (!host_prefixes.ok()) {
    return Status(host_prefixes.status().code(),
                  "network.subnet: cannot read the host's routes to choose a free subnet (" +
                      host_prefixes.status().message() + "); give one with --subnet");
  }
  taken.insert(taken.end(), host_prefixes->begin(), host_prefixes->end());
  return ChooseFreeSubnet(config_.address_pools, taken);
}

StatusOr<v1::Network> NetworkService::CheckNewNetworkLocked(const v1::Network& wanted,
                                                            bool adopt_existing_bridge) {
  static const std::regex kName("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,30}");
  v1::Network network = wanted;
  network.clear_endpoints();
  if (!std::regex_match(network.name(), kName)) {
    return InvalidArgument("network.name: '" + network.name() +
                           "' must match [a-zA-Z0-9][a-zA-Z0-9_.-]{0,30}");
  }
  if (network.name() == kNetworkNone || network.name() == kNetworkHost ||
      network.name() == kNetworkVif) {
    return InvalidArgument("network.name: '" + network.name() + "' is reserved");
  }
  if (networks_.count(network.name())) {
    return AlreadyExists("network.name: a network '" + network.name() + "' exists already");
  }
  if (!network.cni_conflist().empty()) {
    RETURN_IF_ERROR(CheckCniNetwork(network));
    return network;
  }
  if (network.subnet().empty()) {
    if (!network.gateway().empty()) {
      return InvalidArgument(
          "network.gateway: " + network.gateway() +
          " needs network.subnet (--subnet): the gateway of a subnet the agent chooses is its "
          "first host address");
    }
    ASSIGN_OR_RETURN(Ipv4Subnet chosen, FreeSubnetLocked());
    network.set_subnet(chosen.ToString());
  }
  ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(network.subnet(), "network.subnet"));
  for (const auto& [name, other] : networks_) {
    if (!other.cni_conflist().empty()) continue;
    auto other_subnet = ParseIpv4Subnet(other.subnet(), "subnet");
    if (other_subnet.ok() && subnet.Overlaps(*other_subnet)) {
      return FailedPrecondition("network.subnet: " + network.subnet() + " overlaps network " +
                                name + " (" + other.subnet() + ")");
    }
  }
  if (!wanted.subnet().empty() && !adopt_existing_bridge) {
    RETURN_IF_ERROR(CheckSubnetFreeOnHostLocked(subnet));
  }
  uint32_t gateway = subnet.FirstHost();
  if (!network.gateway().empty()) {
    ASSIGN_OR_RETURN(gateway, ParseIpv4Address(network.gateway(), "network.gateway"));
    if (!subnet.Contains(gateway) || gateway == subnet.network || gateway == subnet.Broadcast()) {
      return InvalidArgument("network.gateway: " + network.gateway() + " is not a host address of " +
                             network.subnet());
    }
  }
  network.set_gateway(FormatIpv4(gateway));
  if (network.mtu() == 0) network.set_mtu(1500);
  if (network.mtu() < 576 || network.mtu() > 9000) {
    return InvalidArgument("network.mtu: " + std::to_string(network.mtu()) + " is not 576-9000");
  }
  if (network.bridge().empty()) network.set_bridge(("bx-" + network.name()).substr(0, 15));
  if (!IsInterfaceName(network.bridge())) {
    return InvalidArgument("network.bridge: '" + network.bridge() +
                           "' is not an interface name (1-15 characters, no '/', ':' or spaces)");
  }
  // The agent addresses, brings up and at `network rm` deletes its bridge: a link the host
  // has already (eth0, docker0, another agent's bridge) is not taken over. The built-in
  // boxcar0 is Boxcar's own wherever it is found.
  if (!adopt_existing_bridge) {
    ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
    if (socket.LinkIndex(network.bridge()).ok()) {
      return FailedPrecondition(
          "network.bridge: this host has a link '" + network.bridge() +
          "' already; name another bridge (Boxcar makes and removes its own)");
    }
  }
  for (const auto& [name, other] : networks_) {
    if (other.bridge() == network.bridge()) {
      return FailedPrecondition("network.bridge: " + network.bridge() + " is network " + name + "'s");
    }
  }
  return network;
}

Status NetworkService::CheckSubnetFreeOnHostLocked(const Ipv4Subnet& subnet) {
  // NOTE: read only, as FreeSubnetLocked. A bridge with an address in the host's LAN (or a
  // VPN's routes) would take those destinations from the host once a container starts.
  const std::string field = "network.subnet (--subnet): " + subnet.ToString();
  auto socket = RouteSocket::Open();
  auto host_prefixes = socket.ok() ? socket->Ipv4PrefixesWithDevices()
                                   : StatusOr<std::vector<HostIpv4Prefix>>(socket.status());
  if (!host_prefixes.ok()) {
    return Status(host_prefixes.status().code(),
                  field + ": cannot read the host's routes and addresses to check it (" +
                      host_prefixes.status().message() + ")");
  }
  std::set<std::string> own_bridges{kDefaultBridgeNetwork};
  for (const auto& [name, network] : networks_) own_bridges.insert(network.bridge());
  if (auto used = FindHostOverlap(subnet, *host_prefixes, own_bridges)) {
    return FailedPrecondition(field + " overlaps the host's " + used->ToString() +
                              ": a bridge on it would cut the host off from those addresses; "
                              "choose another subnet, or none to get a free one");
  }
  return OkStatus();
}

std::vector<v1::Network> NetworkService::ListNetworks() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<v1::Network> networks;
  for (const auto& [name, network] : networks_) networks.push_back(network);
  return networks;
}

Status NetworkService::NoSuchNetwork(const std::string& name) {
  return NotFound("network: no network '" + name + "' (see `boxcar network ls`)");
}

StatusOr<v1::Network> NetworkService::InspectNetwork(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = networks_.find(name);
  if (it == networks_.end()) return NoSuchNetwork(name);
  v1::Network network = it->second;
  for (const auto& [id, attached] : attached_) {
    if (attached.network != name || !attached.cni) continue;
    v1::NetworkEndpoint* endpoint = network.add_endpoints();
    endpoint->set_network(name);
    endpoint->set_container_id(id);
    endpoint->set_container_name(attached.names.front());
    const CniResultAddress address = ParseCniResultAddress(attached.cni->result_json);
    endpoint->set_ip(address.ip);
    endpoint->set_prefix_length(address.prefix_length);
    endpoint->set_gateway(address.gateway);
    endpoint->set_mac(address.mac);
    endpoint->set_cni(true);
    for (const auto& alias : attached.aliases) endpoint->add_aliases(alias);
  }
  auto subnet = ParseIpv4Subnet(network.subnet(), "network.subnet");
  for (const auto& [id, lease] : leases_) {
    if (lease.network != name) continue;
    v1::NetworkEndpoint* endpoint = network.add_endpoints();
    endpoint->set_network(name);
    endpoint->set_container_id(LeaseHolder(id));
    endpoint->set_ip(FormatIpv4(lease.address));
    if (subnet.ok()) endpoint->set_prefix_length(subnet->prefix_length);
    endpoint->set_gateway(network.gateway());
    if (auto attached = attached_.find(id); attached != attached_.end()) {
      endpoint->set_container_name(attached->second.names.front());
      endpoint->set_host_interface(attached->second.host_interface);
      endpoint->set_mac(attached->second.mac);
      for (const auto& alias : attached->second.aliases) endpoint->add_aliases(alias);
    }
  }
  return network;
}

Status NetworkService::RemoveNetwork(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = networks_.find(name);
  if (it == networks_.end()) return NoSuchNetwork(name);
  std::set<std::string> holders;
  for (const auto& [id, lease] : leases_) {
    if (lease.network == name) holders.insert(ShortId(id));
  }
  for (const auto& [id, attached] : attached_) {
    if (attached.network == name && attached.cni) holders.insert(ShortId(id));
  }
  if (!holders.empty()) {
    std::string ids;
    for (const auto& id : holders) ids += (ids.empty() ? "" : ", ") + id;
    return FailedPrecondition("network: " + name + " is used by container(s) " + ids +
                              "; remove them first (boxcar rm -f)");
  }
  const v1::Network network = it->second;
  if (!network.cni_conflist().empty()) {
    RETURN_IF_ERROR(records_.DeleteNetwork(name));
    networks_.erase(it);
    // NOTE: the plugins' bridge and chains (CNI-HOSTPORT-*, CNI-FORWARD) are theirs: DEL never
    // removes them either, and another runtime may use the same conflist.
    spdlog::info("network {} removed", name);
    return OkStatus();
  }
  // The plumbing goes before the record: a crash in between leaves a network whose bridge
  // is made again at its next use, or removed by the next rm. The record first would leave a
  // bridge and elements no record knows, and a create of the same name refused for the link.
  plumbed_.erase(name);
  RemoveForwardAccepts(network.name(), network.subnet(), network.bridge());
  auto socket = RouteSocket::Open();
  if (socket.ok()) {
    Status deleted = socket->DeleteLink(network.bridge());
    if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) {
      spdlog::warn("network {}: {}", name, deleted.message());
    }
  }
  CrashPoint("network_rm.after_bridge");
  // The table goes with the last bridge network, so an agent without one leaves none.
  bool any_bridge = false;
  for (const auto& [other_name, other] : networks_) {
    any_bridge |= other_name != name && other.cni_conflist().empty();
  }
  Status table =
      !any_bridge ? nft_.Remove() : nft_.RemoveNetwork(network.subnet(), network.bridge());
  if (!table.ok()) spdlog::debug("network {}: {}", name, table.message());
  RETURN_IF_ERROR(records_.DeleteNetwork(name));
  networks_.erase(it);
  spdlog::info("network {} removed", name);
  return OkStatus();
}

StatusOr<v1::NetworkEndpoint> NetworkService::Reserve(const std::string& container_id,
                                                      const std::string& container_name,
                                                      v1::NetworkSpec* spec,
                                                      const NetworkRequestFields& fields) {
  if (spec->mode().empty()) spec->set_mode(config_.default_network);
  const std::string mode = spec->mode();
  for (int i = 0; i < spec->dns_size(); ++i) {
    RETURN_IF_ERROR(
        ParseIpv4Address(spec->dns(i), "spec.network.dns[" + std::to_string(i) + "]").status());
  }
  for (int i = 0; i < spec->dns_search_size(); ++i) {
    RETURN_IF_ERROR(CheckResolvConfWord(spec->dns_search(i),
                                        "spec.network.dns_search[" + std::to_string(i) + "]"));
  }
  for (int i = 0; i < spec->dns_options_size(); ++i) {
    RETURN_IF_ERROR(CheckResolvConfWord(spec->dns_options(i),
                                        "spec.network.dns_options[" + std::to_string(i) + "]"));
  }
  for (int i = 0; i < spec->extra_hosts_size(); ++i) {
    RETURN_IF_ERROR(
        ParseExtraHost(spec->extra_hosts(i), "spec.network.extra_hosts[" + std::to_string(i) + "]")
            .status());
  }
  RETURN_IF_ERROR(CheckPorts(spec));
  RETURN_IF_ERROR(CheckNetworkAliases({spec->aliases().begin(), spec->aliases().end()}, mode,
                                      "spec.network.aliases"));
  if (mode == kNetworkVif) return ReserveVif(container_id, container_name, *spec);
  if (spec->has_vif()) {
    return InvalidArgument("spec.network.vif: only with mode \"vif\", not '" + mode + "'");
  }
  if (mode == kNetworkNone || mode == kNetworkHost) {
    if (!spec->ip().empty() || !spec->mac().empty()) {
      return InvalidArgument(fields.ip + ": an address needs a named network, not '" + mode + "'");
    }
    if (spec->ports_size() > 0 && mode == kNetworkHost) {
      return InvalidArgument(
          "spec.network.ports: with network 'host' the payload listens on the host's own ports; "
          "there is nothing to publish");
    }
    if (spec->ports_size() > 0) {
      return InvalidArgument(
          "spec.network.ports: publishing ports needs a named network, not 'none'; add --network " +
          std::string(kDefaultBridgeNetwork) + " (built in) or another of `boxcar network ls`");
    }
    return v1::NetworkEndpoint();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // The built-in network, at its first use, is kept only with the lease: a refused spec
  // leaves no record of it.
  std::optional<v1::Network> builtin;
  auto found = networks_.find(mode);
  if (found == networks_.end()) {
    if (mode != kDefaultBridgeNetwork) {
      return NotFound(fields.mode + ": no network '" + mode +
                      "' (see `boxcar network ls`; none and host are built in)");
    }
    v1::Network wanted;
    wanted.set_name(kDefaultBridgeNetwork);
    wanted.set_subnet(kDefaultBridgeSubnet);
    wanted.set_bridge(kDefaultBridgeNetwork);
    ASSIGN_OR_RETURN(builtin, CheckNewNetworkLocked(wanted, /*adopt_existing_bridge=*/true));
  }
  const v1::Network& network = builtin ? *builtin : found->second;
  if (!network.cni_conflist().empty()) {
    return ReserveCni(container_id, container_name, *spec, network, fields);
  }
  ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(network.subnet(), "network.subnet"));
  ASSIGN_OR_RETURN(uint32_t gateway, ParseIpv4Address(network.gateway(), "network.gateway"));
  std::set<uint32_t> taken;
  for (const auto& [id, lease] : leases_) {
    if (lease.network == mode) taken.insert(lease.address);
  }
  ASSIGN_OR_RETURN(uint32_t address,
                   ChooseLeaseAddress(subnet, gateway, taken, spec->ip(), fields.ip, mode));
  if (!spec->mac().empty()) RETURN_IF_ERROR(CheckMacAddress(spec->mac(), "spec.network.mac"));
  if (builtin) {
    RETURN_IF_ERROR(AddNetworkLocked(*builtin));
    builtin_made_for_ = container_id;
  }
  AddressLease lease{mode, address, container_id};
  if (Status inserted = records_.InsertLease(lease); !inserted.ok()) {
    if (builtin) {
      (void)records_.DeleteNetwork(kDefaultBridgeNetwork);
      networks_.erase(kDefaultBridgeNetwork);
      builtin_made_for_.clear();
    }
    return inserted;
  }
  leases_[container_id] = lease;
  v1::NetworkEndpoint endpoint;
  endpoint.set_network(mode);
  endpoint.set_container_id(container_id);
  endpoint.set_container_name(container_name);
  endpoint.set_ip(FormatIpv4(address));
  endpoint.set_prefix_length(subnet.prefix_length);
  endpoint.set_gateway(network.gateway());
  endpoint.set_mac(spec->mac().empty() ? MacForAddress(address) : spec->mac());
  *endpoint.mutable_aliases() = spec->aliases();
  return endpoint;
}

Status NetworkService::Release(const std::string& container_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, lease] : leases_) {
    if (LeaseHolder(key) == container_id) keys.push_back(key);
  }
  for (const auto& key : keys) {
    RETURN_IF_ERROR(records_.DeleteLease(key));
    leases_.erase(key);
  }
  return OkStatus();
}

void NetworkService::ReleaseRefused(const std::string& container_id) {
  (void)Release(container_id);
  std::lock_guard<std::mutex> lock(mutex_);
  if (builtin_made_for_ != container_id || !networks_.count(kDefaultBridgeNetwork) ||
      plumbed_.count(kDefaultBridgeNetwork)) {
    return;
  }
  for (const auto& [key, lease] : leases_) {
    if (lease.network == kDefaultBridgeNetwork) return;
  }
  builtin_made_for_.clear();
  if (Status deleted = records_.DeleteNetwork(kDefaultBridgeNetwork); !deleted.ok()) {
    spdlog::warn("network {}: {}", kDefaultBridgeNetwork, deleted.message());
    return;
  }
  networks_.erase(kDefaultBridgeNetwork);
  spdlog::info("network {} removed again: the create that made it was refused",
               kDefaultBridgeNetwork);
}

}  // namespace boxcar
