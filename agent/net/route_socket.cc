#include "net/route_socket.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace boxcar {

namespace {

template <typename T, void (*Free)(T*)>
struct NlDeleter {
  void operator()(T* object) const {
    if (object) Free(object);
  }
};
using LinkPtr = std::unique_ptr<rtnl_link, NlDeleter<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<nl_addr, NlDeleter<nl_addr, nl_addr_put>>;
using RtAddrPtr = std::unique_ptr<rtnl_addr, NlDeleter<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, NlDeleter<rtnl_route, rtnl_route_put>>;
using CachePtr = std::unique_ptr<nl_cache, NlDeleter<nl_cache, nl_cache_free>>;

// An IPv4 address or prefix as libnl holds it; `what` names it in the error.
StatusOr<AddrPtr> ParseAddress(const std::string& text, const std::string& what) {
  nl_addr* raw = nullptr;
  if (int error = nl_addr_parse(text.c_str(), AF_INET, &raw); error < 0) {
    return NetlinkStatus("netlink: " + what, error);
  }
  return AddrPtr(raw);
}

}  // namespace

Status NetlinkStatus(const std::string& what, int error) {
  StatusCode code = StatusCode::kInternal;
  if (error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV) code = StatusCode::kNotFound;
  if (error == -NLE_EXIST) code = StatusCode::kAlreadyExists;
  if (error == -NLE_PERM) code = StatusCode::kPermissionDenied;
  return Status(code, what + ": " + nl_geterror(error));
}

bool IsInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) ||
           std::iscntrl(static_cast<unsigned char>(c));
  });
}

StatusOr<RouteSocket> RouteSocket::Open() {
  nl_sock* socket = nl_socket_alloc();
  if (!socket) return ResourceExhausted("netlink: cannot allocate a socket");
  if (int error = nl_connect(socket, NETLINK_ROUTE); error < 0) {
    nl_socket_free(socket);
    return NetlinkStatus("netlink: connect NETLINK_ROUTE", error);
  }
  return RouteSocket(socket);
}

RouteSocket::~RouteSocket() {
  if (socket_) nl_socket_free(socket_);
}

StatusOr<int> RouteSocket::LinkIndex(const std::string& name) const {
  rtnl_link* raw = nullptr;
  if (int error = rtnl_link_get_kernel(socket_, 0, name.c_str(), &raw); error < 0) {
    return NetlinkStatus("netlink: look up link '" + name + "'", error);
  }
  LinkPtr link(raw);
  return rtnl_link_get_ifindex(link.get());
}

Status RouteSocket::SetUp(const std::string& name) const {
  rtnl_link* raw = nullptr;
  if (int error = rtnl_link_get_kernel(socket_, 0, name.c_str(), &raw); error < 0) {
    return NetlinkStatus("netlink: look up link '" + name + "'", error);
  }
  LinkPtr link(raw);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (int error = rtnl_link_change(socket_, link.get(), change.get(), 0); error < 0) {
    return NetlinkStatus("netlink: set link '" + name + "' up", error);
  }
  return OkStatus();
}

Status RouteSocket::DeleteLink(const std::string& name) const {
  LinkPtr link(rtnl_link_alloc());
  rtnl_link_set_name(link.get(), name.c_str());
  if (int error = rtnl_link_delete(socket_, link.get()); error < 0) {
    return NetlinkStatus("netlink: delete link '" + name + "'", error);
  }
  return OkStatus();
}

Status RouteSocket::DeleteVeth(const std::string& name) const {
  rtnl_link* raw = nullptr;
  if (int error = rtnl_link_get_kernel(socket_, 0, name.c_str(), &raw); error < 0) {
    return NetlinkStatus("netlink: look up link '" + name + "'", error);
  }
  LinkPtr link(raw);
  const char* kind = rtnl_link_get_type(link.get());
  if (kind == nullptr || std::string_view(kind) != "veth") {
    return FailedPrecondition("link '" + name + "' is a " + (kind ? kind : "device") +
                              ", not a veth: left alone");
  }
  if (int error = rtnl_link_delete(socket_, link.get()); error < 0) {
    return NetlinkStatus("netlink: delete link '" + name + "'", error);
  }
  return OkStatus();
}

Status RouteSocket::AddAddress(int link_index, const std::string& cidr) const {
  ASSIGN_OR_RETURN(AddrPtr local, ParseAddress(cidr, "parse address '" + cidr + "'"));
  RtAddrPtr address(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(address.get(), link_index);
  rtnl_addr_set_local(address.get(), local.get());
  int error = rtnl_addr_add(socket_, address.get(), 0);
  if (error < 0 && error != -NLE_EXIST) {
    return NetlinkStatus("netlink: add address " + cidr, error);
  }
  return OkStatus();
}

Status RouteSocket::AddDefaultRoute(int link_index, const std::string& gateway) const {
  ASSIGN_OR_RETURN(AddrPtr dst, ParseAddress("0.0.0.0/0", "default destination"));
  ASSIGN_OR_RETURN(AddrPtr via, ParseAddress(gateway, "parse gateway '" + gateway + "'"));
  RoutePtr route(rtnl_route_alloc());
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_dst(route.get(), dst.get());
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(hop, link_index);
  rtnl_route_nh_set_gateway(hop, via.get());
  rtnl_route_add_nexthop(route.get(), hop);  // owned by the route from here on
  int error = rtnl_route_add(socket_, route.get(), NLM_F_CREATE);
  if (error < 0 && error != -NLE_EXIST) {
    return NetlinkStatus("netlink: add default route via " + gateway, error);
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> RouteSocket::LinkNames(const std::string& prefix) const {
  nl_cache* raw = nullptr;
  if (int error = rtnl_link_alloc_cache(socket_, AF_UNSPEC, &raw); error < 0) {
    return NetlinkStatus("netlink: list links", error);
  }
  CachePtr cache(raw);
  std::vector<std::string> names;
  for (nl_object* object = nl_cache_get_first(cache.get()); object;
       object = nl_cache_get_next(object)) {
    const char* name = rtnl_link_get_name(reinterpret_cast<rtnl_link*>(object));
    if (name && std::string(name).compare(0, prefix.size(), prefix) == 0) names.push_back(name);
  }
  return names;
}

namespace {

// An IPv4 prefix of libnl as a subnet (host bits cleared); nothing for another family or /0.
std::optional<Ipv4Subnet> ToPrefix(nl_addr* address, int prefix_length) {
  if (!address || nl_addr_get_family(address) != AF_INET || prefix_length <= 0 ||
      nl_addr_get_len(address) != 4) {
    return std::nullopt;
  }
  uint32_t network_order = 0;
  std::memcpy(&network_order, nl_addr_get_binary_addr(address), 4);
  Ipv4Subnet prefix{ntohl(network_order), prefix_length};
  prefix.network &= prefix.Mask();
  return prefix;
}

std::string LinkName(nl_cache* links, int index) {
  char name[IFNAMSIZ + 1] = {};
  if (links && index > 0 && rtnl_link_i2name(links, index, name, sizeof name)) return name;
  return "";
}

}  // namespace

std::string HostIpv4Prefix::ToString() const {
  std::string text =
      address ? "address " + FormatIpv4(local) + "/" + std::to_string(prefix.prefix_length)
              : "route " + prefix.ToString();
  if (!device.empty()) text += " on " + device;
  return text;
}

StatusOr<std::vector<Ipv4Subnet>> RouteSocket::Ipv4Prefixes() const {
  ASSIGN_OR_RETURN(std::vector<HostIpv4Prefix> with_devices, Ipv4PrefixesWithDevices());
  std::vector<Ipv4Subnet> prefixes;
  for (const auto& used : with_devices) prefixes.push_back(used.prefix);
  return prefixes;
}

StatusOr<std::vector<HostIpv4Prefix>> RouteSocket::Ipv4PrefixesWithDevices() const {
  std::vector<HostIpv4Prefix> prefixes;
  nl_cache* raw = nullptr;
  if (int error = rtnl_link_alloc_cache(socket_, AF_UNSPEC, &raw); error < 0) {
    return NetlinkStatus("netlink: list links", error);
  }
  CachePtr links(raw);
  raw = nullptr;
  if (int error = rtnl_route_alloc_cache(socket_, AF_INET, 0, &raw); error < 0) {
    return NetlinkStatus("netlink: list IPv4 routes", error);
  }
  CachePtr routes(raw);
  for (nl_object* object = nl_cache_get_first(routes.get()); object;
       object = nl_cache_get_next(object)) {
    auto* route = reinterpret_cast<rtnl_route*>(object);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
    nl_addr* dst = rtnl_route_get_dst(route);
    auto prefix = ToPrefix(dst, dst ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0);
    if (!prefix) continue;
    rtnl_nexthop* hop = rtnl_route_nexthop_n(route, 0);
    prefixes.push_back(
        {*prefix, hop ? LinkName(links.get(), rtnl_route_nh_get_ifindex(hop)) : "", false});
  }
  raw = nullptr;
  if (int error = rtnl_addr_alloc_cache(socket_, &raw); error < 0) {
    return NetlinkStatus("netlink: list addresses", error);
  }
  CachePtr addresses(raw);
  for (nl_object* object = nl_cache_get_first(addresses.get()); object;
       object = nl_cache_get_next(object)) {
    auto* address = reinterpret_cast<rtnl_addr*>(object);
    auto prefix = ToPrefix(rtnl_addr_get_local(address), rtnl_addr_get_prefixlen(address));
    if (!prefix) continue;
    uint32_t local = 0;
    std::memcpy(&local, nl_addr_get_binary_addr(rtnl_addr_get_local(address)), 4);
    prefixes.push_back(
        {*prefix, LinkName(links.get(), rtnl_addr_get_ifindex(address)), true, ntohl(local)});
  }
  return prefixes;
}

Status RouteSocket::SetMaster(const std::string& name, int bridge_index) const {
  rtnl_link* raw = nullptr;
  if (int error = rtnl_link_get_kernel(socket_, 0, name.c_str(), &raw); error < 0) {
    return NetlinkStatus("netlink: look up link '" + name + "'", error);
  }
  LinkPtr link(raw);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_master(change.get(), bridge_index);
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (int error = rtnl_link_change(socket_, link.get(), change.get(), 0); error < 0) {
    return NetlinkStatus(
        "netlink: put link '" + name + "' on bridge " + std::to_string(bridge_index), error);
  }
  return OkStatus();
}

}  // namespace boxcar
