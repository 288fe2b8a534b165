#include "net/idle_veth.h"

#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include <memory>

#include "net/net_namespace.h"

namespace boxcar {

namespace {

struct LinkDeleter {
  void operator()(rtnl_link* link) const { rtnl_link_put(link); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

// One RTM_NEWLINK changing the link `name`: what `fill` sets on the change object.
template <typename Fill>
Status ChangeLink(const RouteSocket& socket, const std::string& name, const std::string& what,
                  Fill fill) {
  rtnl_link* raw = nullptr;
  if (int error = rtnl_link_get_kernel(socket.get(), 0, name.c_str(), &raw); error < 0) {
    return NetlinkStatus("netlink: look up link '" + name + "'", error);
  }
  LinkPtr link(raw);
  LinkPtr change(rtnl_link_alloc());
  RETURN_IF_ERROR(fill(change.get()));
  if (int error = rtnl_link_change(socket.get(), link.get(), change.get(), 0); error < 0) {
    return NetlinkStatus("netlink: " + what + " of link '" + name + "'", error);
  }
  return OkStatus();
}

}  // namespace

std::string IdleVethName(const std::string& slot_name) {
  return kIdleVethPrefix +
         (slot_name.size() > 11 ? slot_name.substr(slot_name.size() - 11) : slot_name);
}

Status CreateIdleVeth(const RouteSocket& host_socket, const std::string& host_name,
                      int container_netns_fd) {
  rtnl_link* host_end = rtnl_link_veth_alloc();
  if (!host_end) return ResourceExhausted("netlink: cannot allocate a veth");
  rtnl_link* peer = rtnl_link_veth_get_peer(host_end);
  rtnl_link_set_name(host_end, host_name.c_str());
  rtnl_link_set_mtu(host_end, kIdleVethMtu);
  rtnl_link_set_name(peer, kContainerInterface);
  rtnl_link_set_mtu(peer, kIdleVethMtu);
  rtnl_link_set_ns_fd(peer, container_netns_fd);
  int error = rtnl_link_add(host_socket.get(), host_end, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(peer);
  rtnl_link_veth_release(host_end);
  if (error < 0) return NetlinkStatus("netlink: create idle veth '" + host_name + "'", error);
  return OkStatus();
}

Status ClaimIdleVeth(const RouteSocket& host_socket, const std::string& idle_host_name,
                     const VethConfig& config) {
  // NOTE: the kernel renames a link only while it is down; in one request the name is set
  // before the master and the flags, so the idle (down) end takes all three at once.
  Status plugged = ChangeLink(host_socket, idle_host_name, "rename, enslave and set up",
                              [&config](rtnl_link* change) {
                                rtnl_link_set_name(change, config.host_name.c_str());
                                rtnl_link_set_master(change, config.bridge_index);
                                rtnl_link_set_flags(change, IFF_UP);
                                return OkStatus();
                              });
  if (!plugged.ok()) {
    (void)host_socket.DeleteLink(idle_host_name);
    return plugged;
  }
  Status configured = SetHairpinMode(host_socket, config.host_name);
  if (configured.ok()) {
    configured = RunInNetworkNamespace(config.container_netns_fd, [&config]() -> Status {
      ASSIGN_OR_RETURN(RouteSocket inside, RouteSocket::Open());
      RETURN_IF_ERROR(ChangeLink(
          inside, config.container_name, "set the MAC and up",
          [&config](rtnl_link* change) -> Status {
            nl_addr* mac = nullptr;
            if (int error = nl_addr_parse(config.container_mac.c_str(), AF_LLC, &mac); error < 0) {
              return NetlinkStatus("netlink: parse MAC '" + config.container_mac + "'", error);
            }
            rtnl_link_set_addr(change, mac);
            nl_addr_put(mac);
            rtnl_link_set_flags(change, IFF_UP);
            return OkStatus();
          }));
      ASSIGN_OR_RETURN(int index, inside.LinkIndex(config.container_name));
      for (const auto& cidr : config.container_cidrs)
        RETURN_IF_ERROR(inside.AddAddress(index, cidr));
      if (config.gateway.empty()) return OkStatus();
      return inside.AddDefaultRoute(index, config.gateway);
    });
  }
  if (!configured.ok()) {
    (void)host_socket.DeleteLink(config.host_name);  // the pair goes with its host end
    return configured.Annotate("configure the prewarmed " + config.container_name);
  }
  return OkStatus();
}

}  // namespace boxcar
