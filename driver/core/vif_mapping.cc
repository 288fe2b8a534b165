#include "core/vif_mapping.h"

#include <arpa/inet.h>

#include <cstdlib>

namespace boxcar::nova {

namespace {

bool IsMacAddress(const std::string& mac) {
  if (mac.size() != 17) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    char c = mac[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool IsCidr(const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos || slash + 1 >= cidr.size()) return false;
  std::string address = cidr.substr(0, slash);
  char* end = nullptr;
  long prefix = std::strtol(cidr.c_str() + slash + 1, &end, 10);
  if (*end != '\0') return false;
  unsigned char buffer[16];
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) return prefix >= 0 && prefix <= 32;
  if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return prefix >= 0 && prefix <= 128;
  return false;
}

}  // namespace

StatusOr<std::vector<InterfacePlan>> PlanInterfaces(const std::vector<VifRequest>& vifs) {
  std::vector<InterfacePlan> plans;
  for (size_t i = 0; i < vifs.size(); ++i) {
    const VifRequest& vif = vifs[i];
    const std::string field = "vifs[" + std::to_string(i) + "] (port " + vif.id + ")";
    if (vif.type != "bridge" && vif.type != "tap") {
      return InvalidArgument(field + ": vif_type '" + vif.type +
                             "' is not supported; Boxcar plugs vif_type bridge and tap");
    }
    if (!IsMacAddress(vif.mac_address))
      return InvalidArgument(field + ": address '" + vif.mac_address + "' is not a MAC address");
    if (vif.bridge.empty()) {
      return InvalidArgument(field + ": a " + vif.type +
                             " VIF without network.bridge; Boxcar plugs the host end into one");
    }
    if (vif.mtu != 0 && (vif.mtu < 68 || vif.mtu > 65535))
      return InvalidArgument(field + ": mtu " + std::to_string(vif.mtu) + " is not 68..65535");
    InterfacePlan plan;
    plan.port_id = vif.id;
    plan.host_ifname = vif.devname.empty() ? "tap" + vif.id.substr(0, 11) : vif.devname;
    if (plan.host_ifname.size() > 15) {
      return InvalidArgument(field + ": device name '" + plan.host_ifname +
                             "' is longer than the kernel's 15 characters");
    }
    plan.container_ifname = "eth" + std::to_string(i);
    plan.bridge = vif.bridge;
    plan.mac_address = vif.mac_address;
    plan.mtu = vif.mtu;
    for (const auto& address : vif.addresses) {
      if (!IsCidr(address))
        return InvalidArgument(field + ": address '" + address + "' is not ADDRESS/PREFIX");
      plan.addresses.push_back(address);
    }
    plan.gateway_v4 = vif.gateway_v4;
    plan.gateway_v6 = vif.gateway_v6;
    plan.dns_servers = vif.dns_servers;
    plan.create_bridge = vif.create_bridge;
    plans.push_back(std::move(plan));
  }
  return plans;
}

v1::VifSpec VifSpecFor(const InterfacePlan& plan, const std::string& name) {
  v1::VifSpec spec;
  spec.set_bridge(plan.bridge);
  spec.set_create_bridge(plan.create_bridge);
  spec.set_host_interface(plan.host_ifname);
  spec.set_mac(plan.mac_address);
  spec.set_mtu(plan.mtu);
  for (const auto& address : plan.addresses) {
    unsigned char buffer[4];
    if (inet_pton(AF_INET, address.substr(0, address.find('/')).c_str(), buffer) == 1)
      spec.add_addresses(address);
  }
  spec.set_gateway(plan.gateway_v4);
  spec.set_name(name);
  return spec;
}

}  // namespace boxcar::nova
