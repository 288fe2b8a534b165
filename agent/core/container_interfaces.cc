// VIFs attached to a container beside the network of its spec (Networks.AttachInterface):
// a compute driver's interfaces, plugged at once into a running container and again at
// every start, unplugged by DetachInterface. The record keeps them, so they survive the agent.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "core/container_namespace_modes.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

namespace {

bool IsInterfaceName(const std::string& name) {
  if (name.empty() || name.size() > 15 || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Names inside the container already taken: eth0 by a network of the spec, then the VIFs.
std::set<std::string> UsedInterfaceNames(const v1::Container& record) {
  std::set<std::string> used{"lo"};
  if (record.has_network_endpoint()) used.insert("eth0");
  for (const auto& vif : record.interfaces()) used.insert(vif.name());
  return used;
}

}  // namespace

StatusOr<v1::AttachInterfaceResponse> ContainerService::AttachInterface(
    const std::string& container, v1::VifSpec vif) {
  if (!config_.networks) return FailedPrecondition("interface: this agent has no networking");
  RETURN_IF_ERROR(NetworkService::CheckVif(vif, "interface"));
  if (!vif.network().empty()) {
    return InvalidArgument("interface.network: '" + vif.network() +
                           "' is the agent's to set (`network connect`); leave it empty");
  }
  if (vif.aliases_size() > 0) {
    return InvalidArgument("interface.aliases: only a network's (`network connect --alias`)");
  }
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  return AttachInterfaceLocked(*entry, std::move(vif));
}

StatusOr<v1::AttachInterfaceResponse> ContainerService::AttachInterfaceLocked(Entry& entry,
                                                                              v1::VifSpec vif) {
  v1::Container& record = entry.record;
  RETURN_IF_ERROR(
      RequireCapability(backends_, record.backend(), Capability::kNetworking, "interface")
          .status());
  const std::string& mode = record.spec().network().mode();
  if (mode == kNetworkHost || !ContainerOfMode(mode).empty()) {
    return FailedPrecondition("interface: container " + record.name() + " uses " +
                              (mode == kNetworkHost
                                   ? std::string("the host's network")
                                   : "the network of another container (" + mode + ")") +
                              "; it cannot take interfaces");
  }
  if (record.spec().has_userns()) {
    return FailedPrecondition("interface: container " + record.name() +
                              " has a user namespace; interfaces cannot be attached to it yet");
  }
  for (const auto& attached : record.interfaces()) {
    if (attached.host_interface() == vif.host_interface()) {
      return AlreadyExists("interface.host_interface: " + vif.host_interface() +
                           " is already attached to " + record.name());
    }
  }
  if (record.network_endpoint().host_interface() == vif.host_interface()) {
    return AlreadyExists("interface.host_interface: " + vif.host_interface() + " is " +
                         record.name() + "'s network interface");
  }
  const std::set<std::string> used = UsedInterfaceNames(record);
  if (vif.name().empty()) {
    for (int n = 0; vif.name().empty(); ++n) {
      if (!used.count("eth" + std::to_string(n))) vif.set_name("eth" + std::to_string(n));
    }
  } else if (!IsInterfaceName(vif.name())) {
    return InvalidArgument("interface.name: '" + vif.name() +
                           "' is not [a-z][a-z0-9_-]{0,14}");
  } else if (used.count(vif.name())) {
    return AlreadyExists("interface.name: " + record.name() + " already has " + vif.name());
  }
  v1::AttachInterfaceResponse response;
  if (IsLive(record.state())) {
    // The first interface of a container without a network brings the default route.
    const bool default_route = UsedInterfaceNames(record).size() == 1;
    RETURN_IF_ERROR(
        config_.networks->PlugInterface(record.id(), vif, record.pid(), default_route, false));
    response.set_plugged(true);
  }
  *record.add_interfaces() = vif;
  if (Status persisted = Persist(entry); !persisted.ok()) {
    record.mutable_interfaces()->RemoveLast();
    if (response.plugged()) {
      WarnIfFailed(record.id(), config_.networks->UnplugInterface(record.id(), vif.host_interface()));
    }
    return persisted;
  }
  spdlog::info("container {}: interface {} ({} on bridge {}) attached{}", record.id().substr(0, 12),
               vif.name(), vif.host_interface(), vif.bridge(),
               response.plugged() ? " and plugged" : "");
  *response.mutable_interface() = std::move(vif);
  return response;
}

Status ContainerService::DetachInterface(const std::string& container,
                                         const std::string& host_interface) {
  if (host_interface.empty()) return InvalidArgument("host_interface: a name is required");
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  auto* interfaces = record.mutable_interfaces();
  auto found = std::find_if(interfaces->begin(), interfaces->end(), [&](const v1::VifSpec& vif) {
    return vif.host_interface() == host_interface;
  });
  if (found == interfaces->end()) {
    return NotFound("host_interface: container " + record.name() + " has no interface " +
                    host_interface + " attached");
  }
  if (!found->network().empty()) {
    return FailedPrecondition("host_interface: " + host_interface + " connects " + record.name() +
                              " to network " + found->network() +
                              "; use `boxcar network disconnect " + found->network() + "`");
  }
  if (IsLive(record.state())) {
    RETURN_IF_ERROR(config_.networks
                        ? config_.networks->UnplugInterface(record.id(), host_interface)
                        : OkStatus());
  }
  const v1::Container before = record;
  interfaces->erase(found);
  if (Status persisted = Persist(*entry); !persisted.ok()) {
    record = before;
    return persisted;
  }
  spdlog::info("container {}: interface {} detached", record.id().substr(0, 12), host_interface);
  return OkStatus();
}

}  // namespace boxcar
