// A compute driver's VIF: eth0 on a veth whose host end, named as the VIF asks, joins an
// existing bridge with the VIF's MAC, MTU, addresses and gateway. No lease, NAT or ports.
#include <spdlog/spdlog.h>

#include "net/bridge_link.h"
#include "net/ipv4_subnet.h"
#include "net/net_namespace.h"
#include "net/network_service.h"
#include "net/route_socket.h"
#include "net/veth_link.h"

namespace boxcar {

Status NetworkService::CheckVif(const v1::VifSpec& vif, const std::string& field) {
  if (!IsInterfaceName(vif.bridge())) {
    return InvalidArgument(field + ".bridge: '" + vif.bridge() +
                           "' is not a bridge name (1-15 characters, no '/', ':' or spaces)");
  }
  if (!IsInterfaceName(vif.host_interface())) {
    return InvalidArgument(field + ".host_interface: '" + vif.host_interface() +
                           "' is not an interface name (1-15 characters, no '/', ':' or spaces)");
  }
  if (vif.host_interface() == vif.bridge()) {
    return InvalidArgument(field + ".host_interface: '" + vif.host_interface() +
                           "' is the bridge's name; the host end needs one of its own");
  }
  RETURN_IF_ERROR(CheckMacAddress(vif.mac(), field + ".mac"));
  if (vif.mtu() != 0 && (vif.mtu() < 576 || vif.mtu() > 9000)) {
    return InvalidArgument(field + ".mtu: " + std::to_string(vif.mtu()) + " is not 576-9000");
  }
  for (int i = 0; i < vif.addresses_size(); ++i) {
    const std::string& cidr = vif.addresses(i);
    const std::string address_field = field + ".addresses[" + std::to_string(i) + "]";
    auto slash = cidr.find('/');
    if (slash == std::string::npos) {
      return InvalidArgument(address_field + ": '" + cidr + "' is not ADDRESS/PREFIX");
    }
    RETURN_IF_ERROR(ParseIpv4Address(cidr.substr(0, slash), address_field).status());
    const std::string prefix = cidr.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 2 ||
        prefix.find_first_not_of("0123456789") != std::string::npos || std::stoi(prefix) > 32) {
      return InvalidArgument(address_field + ": '" + cidr + "' has no prefix length of 0-32");
    }
  }
  if (!vif.gateway().empty()) {
    RETURN_IF_ERROR(ParseIpv4Address(vif.gateway(), field + ".gateway").status());
  }
  return OkStatus();
}

StatusOr<v1::NetworkEndpoint> NetworkService::ReserveVif(const std::string& container_id,
                                                         const std::string& container_name,
                                                         const v1::NetworkSpec& spec) {
  const v1::VifSpec& vif = spec.vif();
  const std::string field = "spec.network.vif";
  RETURN_IF_ERROR(CheckVif(vif, field));
  if (!spec.ip().empty() || !spec.mac().empty() || spec.ports_size() > 0) {
    return InvalidArgument("spec.network.ip: a VIF brings its own addresses, MAC and no ports");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, attached] : attached_) {
    if (attached.host_interface == vif.host_interface()) {
      return FailedPrecondition(field + ".host_interface: " + vif.host_interface() +
                                " is container " + id.substr(0, 12) + "'s");
    }
  }
  v1::NetworkEndpoint endpoint;
  endpoint.set_network("vif:" + vif.bridge());
  endpoint.set_container_id(container_id);
  endpoint.set_container_name(container_name);
  if (vif.addresses_size() > 0) endpoint.set_ip(vif.addresses(0).substr(0, vif.addresses(0).find('/')));
  endpoint.set_mac(vif.mac());
  endpoint.set_host_interface(vif.host_interface());
  return endpoint;
}

StatusOr<NetworkAttachment> NetworkService::AttachVif(const v1::Container& record,
                                                      const std::string& etc_files_dir,
                                                      pid_t netns_pid) {
  const v1::VifSpec& vif = record.spec().network().vif();
  const uint32_t mtu = vif.mtu() == 0 ? 1500 : vif.mtu();
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(UniqueFd netns, OpenNetworkNamespace(netns_pid));
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  StatusOr<int> bridge_index = socket.LinkIndex(vif.bridge());
  if (!bridge_index.ok() && bridge_index.status().code() == StatusCode::kNotFound) {
    if (!vif.create_bridge()) {
      return FailedPrecondition("spec.network.vif.bridge: no bridge '" + vif.bridge() +
                                "' on the host (set create_bridge to make it)");
    }
    bridge_index = EnsureBridge(socket, {vif.bridge(), "", "", mtu});
  }
  if (!bridge_index.ok()) return bridge_index.status().Annotate("spec.network.vif.bridge");
  VethConfig veth{vif.host_interface(),
                  *bridge_index,
                  netns.get(),
                  vif.mac(),
                  mtu,
                  {vif.addresses().begin(), vif.addresses().end()},
                  vif.gateway()};
  // The pair of this container's last run may still be going with its old namespace.
  (void)socket.DeleteVeth(vif.host_interface());
  RETURN_IF_ERROR(CreateContainerVeth(socket, veth).Annotate("spec.network.vif"));
  Attached attached{"vif:" + vif.bridge(),
                    vif.host_interface(),
                    record.network_endpoint().ip(),
                    {record.name()},
                    etc_files_dir,
                    {},
                    {},
                    ExtraHosts(record)};
  if (Status finished = FinishAttach(record, std::move(attached)); !finished.ok()) {
    (void)socket.DeleteVeth(vif.host_interface());
    return finished;
  }
  spdlog::debug("container {}: VIF {} on bridge {}", record.id().substr(0, 12),
                vif.host_interface(), vif.bridge());
  return NetworkAttachment{{}, record.network_endpoint()};
}

Status NetworkService::PlugInterface(const std::string& container_id, const v1::VifSpec& vif,
                                     pid_t netns_pid, bool default_route, bool replace_leftover) {
  const std::string field = "interface";
  const uint32_t mtu = vif.mtu() == 0 ? 1500 : vif.mtu();
  ASSIGN_OR_RETURN(UniqueFd netns, OpenNetworkNamespace(netns_pid));
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, attached] : attached_) {
      if (attached.host_interface == vif.host_interface()) {
        return FailedPrecondition(field + ".host_interface: " + vif.host_interface() +
                                  " is container " + id.substr(0, 12) + "'s");
      }
    }
  }
  StatusOr<int> bridge_index = socket.LinkIndex(vif.bridge());
  if (!bridge_index.ok() && bridge_index.status().code() == StatusCode::kNotFound) {
    if (!vif.create_bridge()) {
      return FailedPrecondition(field + ".bridge: no bridge '" + vif.bridge() +
                                "' on the host (set create_bridge to make it)");
    }
    bridge_index = EnsureBridge(socket, {vif.bridge(), "", "", mtu});
  }
  if (!bridge_index.ok()) return bridge_index.status().Annotate(field + ".bridge");
  if (replace_leftover) {
    (void)socket.DeleteVeth(vif.host_interface());
  } else if (socket.LinkIndex(vif.host_interface()).ok()) {
    return FailedPrecondition(field + ".host_interface: the host already has a link named " +
                              vif.host_interface());
  }
  VethConfig veth{vif.host_interface(),
                  *bridge_index,
                  netns.get(),
                  vif.mac(),
                  mtu,
                  {vif.addresses().begin(), vif.addresses().end()},
                  default_route ? vif.gateway() : std::string(),
                  vif.name()};
  RETURN_IF_ERROR(CreateContainerVeth(socket, veth).Annotate(field));
  spdlog::debug("container {}: VIF {} on bridge {} as {}", container_id.substr(0, 12),
                vif.host_interface(), vif.bridge(), vif.name());
  return OkStatus();
}

Status NetworkService::UnplugInterface(const std::string& container_id,
                                       const std::string& host_interface) {
  ASSIGN_OR_RETURN(RouteSocket socket, RouteSocket::Open());
  Status deleted = socket.DeleteVeth(host_interface);
  if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) {
    return deleted.Annotate("container " + container_id.substr(0, 12) + ": unplug " +
                            host_interface);
  }
  return OkStatus();
}

}  // namespace boxcar
