// Attach and Detach: what a container's start plugs into its network namespace and what its
// exit takes away again.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/atomic_file.h"
#include "net/bridge_link.h"
#include "net/conntrack_flush.h"
#include "net/container_name_files.h"
#include "net/forward_accepts.h"
#include "net/idle_veth.h"
#include "net/ipv4_subnet.h"
#include "net/net_namespace.h"
#include "net/network_alias.h"
#include "net/network_service.h"
#include "net/veth_link.h"

namespace boxcar {

Status NetworkService::EnsureNetworkPlumbing(const v1::Network& network) {
  if (plumbed_.count(network.name())) return OkStatus();
  ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(network.subnet(), "network.subnet"));
  ASSIGN_OR_RETURN(uint32_t gateway, ParseIpv4Address(network.gateway(), "network.gateway"));
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  BridgeConfig bridge{network.bridge(), MacForAddress(gateway),
                      network.gateway() + "/" + std::to_string(subnet.prefix_length),
                      network.mtu()};
  RETURN_IF_ERROR(EnsureBridge(socket, bridge).status().Annotate("network " + network.name()));
  RETURN_IF_ERROR(nft_.EnsureInstalled());
  RETURN_IF_ERROR(nft_.AddNetwork(network.subnet(), network.bridge()));
  if (Status forward = EnsureForwardAccepts(network.name(), network.subnet(), network.bridge());
      !forward.ok()) {
    spdlog::warn("{}", forward.message());
  }
  plumbed_.insert(network.name());
  return OkStatus();
}

std::vector<HostsEntry> NetworkService::ExtraHosts(const v1::Container& record) {
  const auto& extra_hosts = record.spec().network().extra_hosts();
  return ExtraHostsOf({extra_hosts.begin(), extra_hosts.end()});
}

void NetworkService::RefreshHosts(const std::string& network,
                                  const std::string& also_etc_files_dir) {
  // A container on several networks (connections beside its spec's) gets the entries of all
  // of them in its one hosts file.
  auto entries_of = [this](const std::set<std::string>& networks) {
    std::vector<HostsEntry> entries;
    for (const auto& [key, attached] : attached_) {
      if (!networks.count(attached.network)) continue;
      const std::string id = LeaseHolder(key);
      HostsEntry entry{attached.ip, attached.names};
      AppendAliases(attached.aliases, &entry.names);
      if (std::find(entry.names.begin(), entry.names.end(), id.substr(0, 12)) == entry.names.end())
        entry.names.push_back(id.substr(0, 12));
      entries.push_back(std::move(entry));
    }
    return entries;
  };
  std::map<std::string, std::set<std::string>> networks_of;  // by etc files directory
  std::map<std::string, const std::vector<HostsEntry>*> extra_hosts_of;
  for (const auto& [key, attached] : attached_) {
    if (attached.etc_files_dir.empty()) continue;
    networks_of[attached.etc_files_dir].insert(attached.network);
    extra_hosts_of[attached.etc_files_dir] = &attached.extra_hosts;
  }
  for (const auto& [etc_files_dir, networks] : networks_of) {
    if (!networks.count(network) && etc_files_dir != also_etc_files_dir) continue;
    std::vector<HostsEntry> entries = *extra_hosts_of.at(etc_files_dir);
    for (auto& entry : entries_of(networks)) entries.push_back(std::move(entry));
    Status written = WriteContainerEtcFile(etc_files_dir, kHostsFile, HostsFileContent(entries));
    if (!written.ok()) spdlog::warn("{}: {}", etc_files_dir, written.message());
  }
}

std::string NetworkService::ContainerResolvConf(const v1::NetworkSpec& spec,
                                                bool own_network_namespace) {
  ResolvConfRequest request;
  request.nameservers.assign(spec.dns().begin(), spec.dns().end());
  request.search.assign(spec.dns_search().begin(), spec.dns_search().end());
  request.options.assign(spec.dns_options().begin(), spec.dns_options().end());
  ResolvConfContentResult resolv = ResolvConfContent(
      request, ReadHostResolvConf(config_.host_resolv_conf), own_network_namespace);
  if (resolv.used_fallback_nameservers && !warned_resolver_fallback_.exchange(true)) {
    spdlog::warn(
        "no usable nameserver in the host's {} (nor {}): containers get 8.8.8.8 and "
        "8.8.4.4; give them others with --dns",
        config_.host_resolv_conf.resolv_conf, config_.host_resolv_conf.systemd_resolved);
  }
  return resolv.content;
}

Status NetworkService::WriteUnattachedEtcFiles(const v1::Container& record,
                                               const std::string& etc_files_dir) {
  const v1::NetworkSpec& spec = record.spec().network();
  const bool host = spec.mode() == kNetworkHost;
  std::string hosts, hostname;
  if (host) {
    // As Docker: the host's names and hostname, its resolvers as they are (loopback ones
    // answer in the host's network namespace).
    auto host_hosts = ReadFileToString(config_.host_hosts_file);
    hosts = host_hosts.ok() ? *host_hosts : HostsFileContent({});
    if (!hosts.empty() && hosts.back() != '\n') hosts += "\n";
    for (const auto& entry : ExtraHosts(record)) {
      hosts += entry.ip;
      for (const auto& name : entry.names) hosts += "\t" + name;
      hosts += "\n";
    }
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    hostname = name;
  } else {
    hostname =
        record.spec().hostname().empty() ? record.id().substr(0, 12) : record.spec().hostname();
    std::vector<HostsEntry> entries = ExtraHosts(record);
    entries.push_back({"127.0.0.1", {hostname}});
    hosts = HostsFileContent(entries);
  }
  RETURN_IF_ERROR(WriteContainerEtcFile(etc_files_dir, kHostsFile, hosts));
  RETURN_IF_ERROR(
      WriteContainerEtcFile(etc_files_dir, kResolvConfFile, ContainerResolvConf(spec, !host)));
  return WriteContainerEtcFile(etc_files_dir, kHostnameFile, hostname + "\n");
}

void NetworkService::UnpublishLocked(const std::string& container_id,
                                     const std::vector<PortRule>& ports) {
  for (const auto& rule : ports) {
    if (Status removed = nft_.RemovePort(rule); !removed.ok()) {
      spdlog::warn("container {}: {}", container_id.substr(0, 12), removed.message());
    }
    ports_.Release(container_id, rule.host_ip, rule.protocol, rule.host_port);
  }
}

void NetworkService::FlushConntrack(const std::string& container_id, const ConntrackFlush& flush,
                                    const std::string& why) {
  if (flush.empty()) return;
  auto deleted = DeleteConntrackEntries(flush);
  if (!deleted.ok()) {
    spdlog::warn("container {}: {}: {}", container_id.substr(0, 12), why,
                 deleted.status().message());
  } else if (*deleted > 0) {
    spdlog::debug("container {}: {}: {} conntrack entries deleted", container_id.substr(0, 12), why,
                  *deleted);
  }
}

StatusOr<NetworkAttachment> NetworkService::Attach(const v1::Container& record,
                                                   const std::string& etc_files_dir,
                                                   pid_t netns_pid, const std::string& idle_veth) {
  const std::string& id = record.id();
  const v1::NetworkSpec& spec = record.spec().network();
  if (spec.mode() == kNetworkVif) return AttachVif(record, etc_files_dir, netns_pid);
  RunConflictingPendingDels(record);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    auto cni = networks_.find(record.network_endpoint().network());
    if (cni != networks_.end() && !cni->second.cni_conflist().empty()) {
      const v1::Network network = cni->second;
      lock.unlock();
      return AttachCni(record, etc_files_dir, netns_pid, network);
    }
  }
  const auto began = std::chrono::steady_clock::now();
  auto elapsed_us = [&began] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 began)
        .count();
  };
  std::unique_lock<std::mutex> lock(mutex_);
  auto lease = leases_.find(id);
  if (lease == leases_.end()) {
    return FailedPrecondition("spec.network.mode: container " + record.name() +
                              " holds no address on network " + spec.mode());
  }
  auto network = networks_.find(lease->second.network);
  if (network == networks_.end()) {
    return NotFound("spec.network.mode: network '" + lease->second.network + "' was removed");
  }
  RETURN_IF_ERROR(EnsureNetworkPlumbing(network->second));
  ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(network->second.subnet(), "network.subnet"));
  const std::string ip = FormatIpv4(lease->second.address);

  Attached attached{network->first,    HostVethName(id), ip, {record.name()}, etc_files_dir, {}, {},
                    ExtraHosts(record)};
  // What can fail without leaving anything comes first.
  ASSIGN_OR_RETURN(UniqueFd netns, OpenNetworkNamespace(netns_pid));
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  StatusOr<int> bridge = socket.LinkIndex(network->second.bridge());
  if (bridge.status().code() == StatusCode::kNotFound) {
    // Deleted by someone else an instant ago, before the change watch's quiet time ended.
    RETURN_IF_ERROR(RestorePlumbingLocked("bridge " + network->second.bridge() +
                                          " missing at the start of " + record.name()));
    bridge = socket.LinkIndex(network->second.bridge());
  }
  ASSIGN_OR_RETURN(int bridge_index, std::move(bridge));
  // An exit's flush of this address still queued would delete this container's entries.
  // NOTE: waited for under mutex_ (the queue's thread never takes it); only a start that
  // follows the exit of its address's last holder within milliseconds waits at all.
  conntrack_flushes_.WaitUntilFlushed(ip);
  std::vector<v1::PortMapping> published;
  auto undo = [&](Status failure) {
    UnpublishLocked(id, attached.ports);
    FlushConntrack(id, ConntrackFlush{{ip}, {}}, "undo the start's network");
    return failure;
  };
  // Entries of flows to a UDP host port made while it was not published (or published by a
  // container gone since) would keep a client that sends on off this container's DNAT.
  ConntrackFlush udp_port_flows;
  for (int i = 0; i < spec.ports_size(); ++i) {
    const v1::PortMapping& port = spec.ports(i);
    auto host_port = ports_.Claim(id, port.host_ip(), port.protocol(), port.host_port(),
                                  "spec.network.ports[" + std::to_string(i) + "]");
    if (!host_port.ok()) return undo(host_port.status());
    PortRule rule{port.host_ip(), port.protocol(), *host_port, ip, port.container_port()};
    if (Status added = nft_.AddPort(rule); !added.ok()) {
      ports_.Release(id, rule.host_ip, rule.protocol, rule.host_port);
      return undo(added);
    }
    attached.ports.push_back(rule);
    if (rule.protocol == "udp") {
      udp_port_flows.host_ports.push_back({rule.protocol, rule.host_ip, rule.host_port});
    }
    v1::PortMapping mapping = port;
    mapping.set_host_port(*host_port);
    published.push_back(mapping);
  }

  VethConfig veth{HostVethName(id),
                  bridge_index,
                  netns.get(),
                  spec.mac().empty() ? MacForAddress(lease->second.address) : spec.mac(),
                  network->second.mtu(),
                  {ip + "/" + std::to_string(subnet.prefix_length)},
                  network->second.gateway()};
  // A veth left by a start the agent did not finish (its netns is gone, so is the pair
  // normally; a live one of this name is ours to replace).
  (void)socket.DeleteLink(veth.host_name);
  const auto ports_us = elapsed_us();
  // The veth is the slow part (milliseconds of RTNL): other starts go on meanwhile. Nothing
  // it uses can change: this container's job lock is held, and its lease keeps the network.
  lock.unlock();
  // After the DNAT elements: a flow's next packet gets this container's (queued: the start
  // does not wait for the dump).
  conntrack_flushes_.Enqueue(id, std::move(udp_port_flows), "publish UDP ports");
  Status created = OkStatus();
  bool claimed = false;
  if (!idle_veth.empty() && veth.mtu == kIdleVethMtu) {
    Status claim = ClaimIdleVeth(socket, idle_veth, veth);  // deletes the pair on failure
    claimed = claim.ok();
    if (!claimed) {
      spdlog::warn("container {}: {}; making a new veth", id.substr(0, 12), claim.message());
    }
  } else if (!idle_veth.empty()) {
    // Its eth0 would be in the way of the new pair's (CanClaimIdleVeth said yes, so the
    // network's MTU changed since; networks cannot change, so this is a safety net only).
    (void)socket.DeleteLink(idle_veth);
  }
  if (!claimed) created = CreateContainerVeth(socket, veth);
  lock.lock();
  if (!created.ok()) return undo(created);
  const auto veth_us = elapsed_us();
  attached.mac = veth.container_mac;
  if (Status finished = FinishAttach(record, attached); !finished.ok()) {
    (void)socket.DeleteLink(veth.host_name);
    return undo(finished);
  }
  spdlog::debug("container {} on network {} as {}: ports {} us, {} veth {} us, files {} us",
                id.substr(0, 12), network->first, ip, ports_us, claimed ? "prewarmed" : "new",
                veth_us - ports_us, elapsed_us() - veth_us);
  NetworkAttachment attachment{std::move(published), record.network_endpoint()};
  attachment.endpoint.set_ip(ip);
  attachment.endpoint.set_prefix_length(subnet.prefix_length);
  attachment.endpoint.set_gateway(network->second.gateway());
  attachment.endpoint.set_mac(veth.container_mac);
  return attachment;
}

std::string NetworkService::PrepareIdleVeth(pid_t helper_pid, const std::string& slot_name) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (plumbed_.empty()) return "";
  }
  const std::string name = IdleVethName(slot_name);
  auto netns = OpenNetworkNamespace(helper_pid);
  auto socket = netns.ok() ? RouteSocket::Open() : StatusOr<RouteSocket>(netns.status());
  Status made = socket.ok() ? CreateIdleVeth(*socket, name, netns->get()) : socket.status();
  if (!made.ok()) {
    spdlog::warn("prewarmed helper {}: {}", slot_name, made.message());
    return "";
  }
  return name;
}

bool NetworkService::CanClaimIdleVeth(const v1::Container& record) {
  if (!record.has_network_endpoint() || record.spec().network().mode() == kNetworkVif) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  auto lease = leases_.find(record.id());
  if (lease == leases_.end()) return false;
  auto network = networks_.find(lease->second.network);
  return network != networks_.end() && network->second.cni_conflist().empty() &&
         network->second.mtu() == kIdleVethMtu;
}

void NetworkService::EndpointAfterExit(const v1::NetworkSpec& spec, v1::NetworkEndpoint* endpoint) {
  if (!endpoint->cni()) return;
  endpoint->clear_ip();
  endpoint->clear_prefix_length();
  endpoint->clear_gateway();
  endpoint->set_mac(spec.mac());
}

Status NetworkService::FinishAttach(const v1::Container& record, Attached attached) {
  const v1::NetworkSpec& spec = record.spec().network();
  const std::string hostname = record.spec().hostname().empty() ? record.id().substr(0, 12)
                                                                : record.spec().hostname();
  if (hostname != record.name()) attached.names.push_back(hostname);
  attached.aliases = {spec.aliases().begin(), spec.aliases().end()};
  RETURN_IF_ERROR(WriteContainerEtcFile(attached.etc_files_dir, kResolvConfFile,
                                        ContainerResolvConf(spec, true)));
  RETURN_IF_ERROR(WriteContainerEtcFile(attached.etc_files_dir, kHostnameFile, hostname + "\n"));
  const std::string network = attached.network;
  attached_[record.id()] = std::move(attached);
  RefreshHosts(network);
  return OkStatus();
}

void NetworkService::Detach(const v1::Container& record, bool namespace_outlives) {
  const std::string& id = record.id();
  std::unique_lock<std::mutex> lock(mutex_);
  // Connections beside the spec's network: their pairs go with the network namespace. Their
  // conntrack entries stay (no port is published through a connection: nothing DNATs to it).
  for (const auto& vif : record.interfaces()) {
    if (vif.network().empty()) continue;
    auto connection = attached_.find(ConnectionKey(id, vif.network()));
    if (connection == attached_.end()) continue;
    attached_.erase(connection);
    RefreshHosts(vif.network());
  }
  auto attached = attached_.find(id);
  if (attached == attached_.end()) return;
  const std::string network = attached->second.network;
  if (attached->second.cni) {
    // The plugins' DEL takes a tenth of a second or more: the exit is recorded without it.
    pending_dels_[id] = {std::move(attached->second), false};
    attached_.erase(attached);
    RefreshHosts(network);
    return;
  }
  // Only a container that published UDP ports has entries that would keep sending others'
  // flows to its address (DNAT), as long as a client sends on. As Docker, TCP needs none: a
  // connection to a gone container fails and the client's next one is a new flow (a SYN
  // reopens an entry in TIME_WAIT, with a new NAT decision). Entries of its own outbound flows
  // are harmless to the next holder of its address (replies it drops). The flush dumps the
  // whole conntrack table, which the kernel walks bucket by bucket (262144 on a 24 GiB host:
  // ~4 ms, and up to 10 more to close its socket; even queued, it slowed the next start by
  // ~5 ms on 2 cores): so only for UDP, and queued, off the exit `run --rm` waits for.
  ConntrackFlush flows;
  for (const auto& rule : attached->second.ports) {
    if (rule.protocol != "udp") continue;
    flows.addresses.push_back(attached->second.ip);
    break;
  }
  UnpublishLocked(id, attached->second.ports);
  // Another container shares the namespace (--network container:) and keeps it: the pair, and
  // the address the lease gives back, must not stay in it.
  if (namespace_outlives) {
    auto socket = RouteSocket::Open();
    Status deleted =
        socket.ok() ? socket->DeleteLink(attached->second.host_interface) : socket.status();
    if (!deleted.ok()) {
      spdlog::warn("container {}: delete the host veth {} of a shared namespace: {}",
                   id.substr(0, 12), attached->second.host_interface, deleted.message());
    }
  }
  attached_.erase(attached);
  // NOTE: the pair goes with the container's network namespace, which the kernel tears down
  // asynchronously once the payload and the shim are gone. Deleting the host end here instead
  // took ~25 ms on every exit (unregister_netdevice waits for RCU grace periods under the RTNL
  // lock). A start of the same container deletes a pair still there, and start-up deletes
  // those of containers that do not run.
  RefreshHosts(network);
  // Once its DNAT elements are gone: entries of its flows (a client's UDP flow to its published
  // port among them) would keep going to its address, to a container that may get it next
  // (which waits for this flush in Attach).
  conntrack_flushes_.Enqueue(id, std::move(flows), "leave network " + network);
}

}  // namespace boxcar
