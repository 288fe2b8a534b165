#include "net/bridge_link.h"

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <fcntl.h>

#include "common/unique_fd.h"
#include "common/fd_io.h"

namespace boxcar {

namespace {

Status WriteSysctl(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  return WriteAll(fd.get(), value, "'" + path + "'");
}

Status CreateBridge(const RouteSocket& socket, const BridgeConfig& config) {
  rtnl_link* link = rtnl_link_alloc();
  nl_addr* mac = nullptr;
  if (config.mac.empty()) {
    // The kernel picks one.
  } else if (int error = nl_addr_parse(config.mac.c_str(), AF_LLC, &mac); error < 0) {
    rtnl_link_put(link);
    return NetlinkStatus("netlink: parse bridge MAC '" + config.mac + "'", error);
  }
  rtnl_link_set_type(link, "bridge");
  rtnl_link_set_name(link, config.name.c_str());
  if (mac) rtnl_link_set_addr(link, mac);
  rtnl_link_set_mtu(link, config.mtu);
  int error = rtnl_link_add(socket.get(), link, NLM_F_CREATE | NLM_F_EXCL);
  if (mac) nl_addr_put(mac);
  rtnl_link_put(link);
  if (error < 0 && error != -NLE_EXIST) {
    return NetlinkStatus("netlink: create bridge '" + config.name + "'", error);
  }
  return OkStatus();
}

}  // namespace

StatusOr<int> EnsureBridge(const RouteSocket& socket, const BridgeConfig& config) {
  StatusOr<int> index = socket.LinkIndex(config.name);
  if (!index.ok()) {
    if (index.status().code() != StatusCode::kNotFound) return index.status();
    RETURN_IF_ERROR(CreateBridge(socket, config));
    index = socket.LinkIndex(config.name);
    if (!index.ok()) return index.status();
  }
  if (config.gateway_cidr.empty()) {
    RETURN_IF_ERROR(socket.SetUp(config.name));
    return *index;
  }
  RETURN_IF_ERROR(socket.AddAddress(*index, config.gateway_cidr));
  RETURN_IF_ERROR(socket.SetUp(config.name));
  RETURN_IF_ERROR(WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1"));
  RETURN_IF_ERROR(
      WriteSysctl("/proc/sys/net/ipv4/conf/" + config.name + "/route_localnet", "1"));
  return *index;
}

}  // namespace boxcar
