#include "net/veth_link.h"

#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "net/net_namespace.h"

namespace boxcar {

namespace {

Status CreatePair(const RouteSocket& socket, const VethConfig& config) {
  rtnl_link* host_end = rtnl_link_veth_alloc();
  if (!host_end) return ResourceExhausted("netlink: cannot allocate a veth");
  rtnl_link* peer = rtnl_link_veth_get_peer(host_end);
  nl_addr* mac = nullptr;
  if (int error = nl_addr_parse(config.container_mac.c_str(), AF_LLC, &mac); error < 0) {
    rtnl_link_put(peer);
    rtnl_link_veth_release(host_end);
    return NetlinkStatus("netlink: parse MAC '" + config.container_mac + "'", error);
  }
  rtnl_link_set_name(host_end, config.host_name.c_str());
  rtnl_link_set_mtu(host_end, config.mtu);
  rtnl_link_set_master(host_end, config.bridge_index);
  rtnl_link_set_flags(host_end, IFF_UP);
  rtnl_link_set_name(peer, config.container_name.c_str());
  rtnl_link_set_mtu(peer, config.mtu);
  rtnl_link_set_addr(peer, mac);
  rtnl_link_set_ns_fd(peer, config.container_netns_fd);
  int error = rtnl_link_add(socket.get(), host_end, NLM_F_CREATE | NLM_F_EXCL);
  nl_addr_put(mac);
  rtnl_link_put(peer);
  rtnl_link_veth_release(host_end);
  if (error < 0) return NetlinkStatus("netlink: create veth '" + config.host_name + "'", error);
  return OkStatus();
}

}  // namespace

Status SetHairpinMode(const RouteSocket& socket, const std::string& name) {
  ASSIGN_OR_RETURN(int index, socket.LinkIndex(name));
  // libnl changes a link only within one family: both sides are AF_BRIDGE port objects.
  rtnl_link* original = rtnl_link_alloc();
  rtnl_link_set_ifindex(original, index);
  rtnl_link_set_family(original, AF_BRIDGE);
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_family(change, AF_BRIDGE);
  int error = rtnl_link_bridge_set_flags(change, RTNL_BRIDGE_HAIRPIN_MODE);
  if (error >= 0) error = rtnl_link_change(socket.get(), original, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(original);
  if (error < 0) return NetlinkStatus("netlink: hairpin mode on '" + name + "'", error);
  return OkStatus();
}

Status CreateContainerVeth(const RouteSocket& host_socket, const VethConfig& config) {
  RETURN_IF_ERROR(CreatePair(host_socket, config));
  if (Status hairpin = SetHairpinMode(host_socket, config.host_name); !hairpin.ok()) {
    (void)host_socket.DeleteLink(config.host_name);
    return hairpin;
  }
  Status configured = RunInNetworkNamespace(config.container_netns_fd, [&config]() -> Status {
    ASSIGN_OR_RETURN(RouteSocket inside, RouteSocket::Open());
    ASSIGN_OR_RETURN(int index, inside.LinkIndex(config.container_name));
    for (const auto& cidr : config.container_cidrs) RETURN_IF_ERROR(inside.AddAddress(index, cidr));
    RETURN_IF_ERROR(inside.SetUp(config.container_name));
    if (config.gateway.empty()) return OkStatus();
    return inside.AddDefaultRoute(index, config.gateway);
  });
  if (!configured.ok()) {
    // Deleting the host end deletes the pair.
    (void)host_socket.DeleteLink(config.host_name);
    return configured.Annotate("configure " + config.container_name + " in the container");
  }
  return OkStatus();
}

}  // namespace boxcar
