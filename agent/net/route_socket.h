// A NETLINK_ROUTE socket of libnl-route-3 and the link and address calls the bridge and veth
// code share. The socket belongs to the network namespace of the thread that opens it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "net/ipv4_subnet.h"

struct nl_sock;
struct rtnl_link;

namespace boxcar {

// A prefix this namespace uses: a route's destination or an address's subnet, with its link.
struct HostIpv4Prefix {
  Ipv4Subnet prefix;
  std::string device;            // the link's name; empty when the kernel names none
  bool address = false;          // an address on `device` (else a route's destination)
  uint32_t local = 0;            // an address's own value (host byte order), shown by ToString
  std::string ToString() const;  // "route 10.250.0.0/24 on lan0", "address 10.250.0.1/24 on lan0"
};

// A name the kernel takes for a link: 1-15 bytes, not "." or "..", no '/', ':', space or
// control character.
bool IsInterfaceName(std::string_view name);

class RouteSocket {
 public:
  static StatusOr<RouteSocket> Open();
  RouteSocket(RouteSocket&& other) noexcept : socket_(other.socket_) { other.socket_ = nullptr; }
  RouteSocket(const RouteSocket&) = delete;
  ~RouteSocket();

  nl_sock* get() const { return socket_; }

  // The link's index; NOT_FOUND when no link has that name.
  StatusOr<int> LinkIndex(const std::string& name) const;
  Status SetUp(const std::string& name) const;
  Status DeleteLink(const std::string& name) const;
  // DeleteLink for a name a caller chose (a VIF's host end): only a veth is deleted, anything
  // else of that name (a bridge, eth0) is FAILED_PRECONDITION and stays.
  Status DeleteVeth(const std::string& name) const;
  // "10.88.0.1/16" on the link; an address already there is fine.
  Status AddAddress(int link_index, const std::string& cidr) const;
  // A default route via `gateway`.
  Status AddDefaultRoute(int link_index, const std::string& gateway) const;
  // Names of the links whose name starts with `prefix`.
  StatusOr<std::vector<std::string>> LinkNames(const std::string& prefix) const;
  // What IPv4 space this namespace uses, read only: the destinations of the main table's
  // routes (not the default route, as Docker) and the subnets of the addresses on its links.
  StatusOr<std::vector<Ipv4Subnet>> Ipv4Prefixes() const;
  // The same, each with its link and what it is (an explicit --subnet's check names them).
  StatusOr<std::vector<HostIpv4Prefix>> Ipv4PrefixesWithDevices() const;
  // Puts link `name` on the bridge of index `bridge_index` and sets it up.
  Status SetMaster(const std::string& name, int bridge_index) const;

 private:
  explicit RouteSocket(nl_sock* socket) : socket_(socket) {}
  nl_sock* socket_;
};

// libnl's negative error code as a status naming `what`.
Status NetlinkStatus(const std::string& what, int error);

}  // namespace boxcar
