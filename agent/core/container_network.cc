// A container's network at Create (the lease) and Start (plugging in before the payload).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#include "core/container_etc_files.h"
#include "core/container_namespace_modes.h"
#include "core/container_service.h"
#include "core/container_states.h"
#include "core/container_sysctls.h"
#include "net/container_name_files.h"
#include "net/network_alias.h"

namespace boxcar {

Status ContainerService::ReserveNetwork(v1::Container& record, const v1::Image& image,
                                        const NetworkRequestFields& fields) {
  v1::NetworkSpec* spec = record.mutable_spec()->mutable_network();
  // Another container's network namespace: nothing of its own to reserve.
  if (!ContainerOfMode(spec->mode()).empty()) return OkStatus();
  if (!config_.networks) {
    if (spec->mode().empty() || spec->mode() == kNetworkNone) {
      spec->set_mode(kNetworkNone);
      return OkStatus();
    }
    return FailedPrecondition(fields.mode + ": this agent has no networking");
  }
  if (spec->publish_all()) {
    for (const auto& exposed : image.config().exposed_ports()) {
      // "80/tcp", "53/udp" or "8080".
      auto slash = exposed.find('/');
      int port = std::atoi(exposed.substr(0, slash).c_str());
      if (port <= 0 || port > 65535) continue;
      const std::string protocol = slash == std::string::npos ? "tcp" : exposed.substr(slash + 1);
      // A port published already (-p, or by an earlier reservation of this spec) keeps its
      // host port, as Docker's -P does: no second, random one.
      const bool published = std::any_of(
          spec->ports().begin(), spec->ports().end(), [&](const v1::PortMapping& mapping) {
            return mapping.container_port() == static_cast<uint32_t>(port) &&
                   (mapping.protocol().empty() ? "tcp" : mapping.protocol()) == protocol;
          });
      if (published) continue;
      v1::PortMapping* mapping = spec->add_ports();
      mapping->set_container_port(static_cast<uint32_t>(port));
      mapping->set_protocol(protocol);
    }
  }
  const std::string mode = spec->mode().empty() ? config_.networks->default_network() : spec->mode();
  if (mode == kNetworkHost) RETURN_IF_ERROR(RefuseNetSysctlsOnHostNetwork(record.spec()));
  if (mode != kNetworkNone) {
    RETURN_IF_ERROR(
        RequireCapability(backends_, record.backend(), Capability::kNetworking, fields.mode)
            .status());
    if (record.spec().has_userns()) {
      return InvalidArgument(fields.mode + ": '" + mode +
                             "' cannot be combined with a user namespace yet; use none");
    }
  }
  ASSIGN_OR_RETURN(v1::NetworkEndpoint endpoint,
                   config_.networks->Reserve(record.id(), record.name(), spec, fields));
  if (!endpoint.network().empty()) *record.mutable_network_endpoint() = std::move(endpoint);
  return OkStatus();
}

Status ContainerService::PrepareNetworkLaunch(const v1::Container& record,
                                              const std::string& etc_files_dir, bool etc_files,
                                              LaunchSpec& spec, NetworkAttachment* attached,
                                              const std::string* idle_veth) {
  const std::string& mode = record.spec().network().mode();
  spec.host_network = mode == kNetworkHost;
  if (!config_.networks) return OkStatus();
  NetworkService* networks = config_.networks;
  const bool shared_network = !ContainerOfMode(mode).empty();
  if (etc_files) {
    RETURN_IF_ERROR(shared_network ? CopySharedEtcFiles(record, etc_files_dir)
                                   : CreateContainerEtcFiles(etc_files_dir));
    for (auto& mount : EtcFileMounts(etc_files_dir, record.spec())) {
      spec.mounts.push_back(std::move(mount));
    }
  } else {
    spdlog::warn(
        "container {}: /etc of its image is not a directory; no /etc/hosts, "
        "/etc/resolv.conf or /etc/hostname mounted",
        ShortId(record.id()));
  }
  // The other container's namespace (entered by the shim): nothing to plug in or write.
  if (shared_network) return OkStatus();
  if (!record.has_network_endpoint()) {
    // none or host: written now, nothing to plug in (connections beside refresh hosts).
    RETURN_IF_ERROR(networks->WriteUnattachedEtcFiles(record, etc_files_dir));
    if (record.interfaces_size() == 0) return OkStatus();
  }
  spec.prepare_network = [networks, &record, etc_files_dir, attached,
                          idle_veth](pid_t shim_pid) -> Status {
    if (record.has_network_endpoint()) {
      ASSIGN_OR_RETURN(*attached, networks->Attach(record, etc_files_dir, shim_pid, *idle_veth));
    }
    // Attached VIFs after the network of the spec; the first brings the default route when
    // the spec's network does not.
    bool default_route = !record.has_network_endpoint();
    for (const auto& vif : record.interfaces()) {
      RETURN_IF_ERROR(networks->PlugInterface(record.id(), vif, shim_pid, default_route, true));
      networks->JoinConnection(record, vif, etc_files_dir);
      default_route = false;
    }
    return OkStatus();
  };
  return OkStatus();
}

}  // namespace boxcar

namespace boxcar {

Status ContainerService::ConnectNetwork(const std::string& network, const std::string& container,
                                        const std::string& ip,
                                        const std::vector<std::string>& aliases) {
  if (network.empty()) return InvalidArgument("network: a network name is required");
  if (network == kNetworkNone || network == kNetworkHost || network == kNetworkVif) {
    return InvalidArgument("network: '" + network + "' is not a network to connect to");
  }
  RETURN_IF_ERROR(CheckNetworkAliases(aliases, network, "aliases"));
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  if (!ContainerOfMode(record.spec().network().mode()).empty()) {
    return FailedPrecondition(
        "container: " + record.name() + " shares the network namespace of another container (" +
        record.spec().network().mode() + "); it cannot be connected to a network");
  }
  if (record.network_endpoint().network() == network) {
    return AlreadyExists("network: container " + record.name() + " is already on " + network);
  }
  for (const auto& vif : record.interfaces()) {
    if (vif.network() == network) {
      return AlreadyExists("network: container " + record.name() + " is already on " + network);
    }
  }
  if (IsLive(record.state()) || record.has_network_endpoint()) {
    return ConnectBeside(*entry, network, ip, aliases);
  }
  const v1::Container before = record;
  v1::NetworkSpec* spec = record.mutable_spec()->mutable_network();
  spec->set_mode(network);
  spec->set_ip(ip);
  for (const auto& alias : aliases) spec->add_aliases(alias);
  auto image = images_->Resolve(record.image_id(), "image");
  Status reserved = image.ok() ? ReserveNetwork(record, *image, {"network", "ip"}) : image.status();
  if (reserved.ok()) reserved = Persist(*entry);
  if (!reserved.ok()) {
    if (config_.networks) config_.networks->ReleaseRefused(record.id());
    record = before;
    return reserved;
  }
  return OkStatus();
}

Status ContainerService::DisconnectNetwork(const std::string& network,
                                           const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  for (const auto& vif : record.interfaces()) {
    if (!network.empty() && vif.network() == network) return DisconnectBeside(*entry, network);
  }
  if (record.network_endpoint().network() != network || network.empty()) {
    return NotFound("network: container " + record.name() + " is not on network '" + network + "'");
  }
  if (IsLive(record.state())) {
    return FailedPrecondition("container: " + record.name() +
                              " is running and " + network +
                              " is the network of its spec (its eth0); stop it first");
  }
  const v1::Container before = record;
  record.clear_network_endpoint();
  record.mutable_spec()->mutable_network()->Clear();
  record.mutable_spec()->mutable_network()->set_mode(kNetworkNone);
  if (Status persisted = Persist(*entry); !persisted.ok()) {
    record = before;
    return persisted;
  }
  return config_.networks ? config_.networks->Release(record.id()) : OkStatus();
}

}  // namespace boxcar

namespace boxcar {

Status ContainerService::ConnectBeside(Entry& entry, const std::string& network,
                                       const std::string& ip,
                                       const std::vector<std::string>& aliases) {
  v1::Container& record = entry.record;
  if (!config_.networks) return FailedPrecondition("network: this agent has no networking");
  if (record.spec().network().mode() == kNetworkHost) {
    return FailedPrecondition("network: container " + record.name() +
                              " uses the host's network; it cannot join another");
  }
  ASSIGN_OR_RETURN(v1::VifSpec vif, config_.networks->ReserveConnection(record.id(), network, ip));
  for (const auto& alias : aliases) vif.add_aliases(alias);
  auto attached = AttachInterfaceLocked(entry, vif);  // the next free ethN, plugged when live
  if (!attached.ok()) {
    WarnIfFailed(record.id(), config_.networks->ReleaseConnection(record.id(), network));
    return attached.status();
  }
  if (attached->plugged()) {
    config_.networks->JoinConnection(record, attached->interface(), StateDir(record.id()));
  }
  spdlog::info("container {}: connected to network {} as {} ({})", record.id().substr(0, 12),
               network, attached->interface().name(), attached->interface().addresses(0));
  return OkStatus();
}

Status ContainerService::DisconnectBeside(Entry& entry, const std::string& network) {
  v1::Container& record = entry.record;
  auto* interfaces = record.mutable_interfaces();
  auto found = std::find_if(interfaces->begin(), interfaces->end(),
                            [&](const v1::VifSpec& vif) { return vif.network() == network; });
  const v1::Container before = record;
  const std::string host_interface = found->host_interface();
  if (IsLive(record.state()) && config_.networks) {
    RETURN_IF_ERROR(config_.networks->UnplugInterface(record.id(), host_interface));
  }
  interfaces->erase(found);
  if (Status persisted = Persist(entry); !persisted.ok()) {
    record = before;
    return persisted;
  }
  spdlog::info("container {}: disconnected from network {}", record.id().substr(0, 12), network);
  return config_.networks ? config_.networks->ReleaseConnection(record.id(), network) : OkStatus();
}

}  // namespace boxcar
