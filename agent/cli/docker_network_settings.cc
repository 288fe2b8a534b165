#include "cli/docker_network_settings.h"

#include <cstdlib>
#include <vector>

namespace boxcar::cli {

namespace {

using rapidjson::Value;

// Boxcar's built-in network (docs/networking.md), where Docker's default bridge is.
constexpr const char* kDefaultBridgeNetwork = "boxcar0";

// One attachment as Docker's EndpointSettings say it.
struct Attachment {
  std::string key;
  std::string network_id;
  std::string ip;
  uint32_t prefix_length = 0;
  std::string mac;
  std::string gateway;
  std::vector<std::string> aliases;
  std::string requested_ip;     // --ip: Docker's IPAMConfig
  bool names_in_hosts = false;  // a network whose containers find it by name
};

// "10.89.0.5/24" into its address and prefix.
void SplitCidr(const std::string& cidr, Attachment& attachment) {
  const size_t slash = cidr.find('/');
  attachment.ip = cidr.substr(0, slash);
  if (slash != std::string::npos) {
    attachment.prefix_length = static_cast<uint32_t>(std::atoi(cidr.c_str() + slash + 1));
  }
}

std::vector<Attachment> AttachmentsOf(const v1::Container& container) {
  std::vector<Attachment> attachments;
  const v1::NetworkSpec& spec = container.spec().network();
  const v1::NetworkEndpoint& endpoint = container.network_endpoint();
  if (spec.mode() == "vif") {
    Attachment vif;
    vif.key = spec.vif().host_interface();
    vif.network_id = spec.vif().bridge();
    if (!spec.vif().addresses().empty()) SplitCidr(spec.vif().addresses(0), vif);
    vif.mac = spec.vif().mac();
    vif.gateway = spec.vif().gateway();
    attachments.push_back(std::move(vif));
  } else if (spec.mode().rfind("container:", 0) != 0 && !spec.mode().empty()) {
    // Docker's key of the spec's network: its name, "host", "none".
    Attachment primary;
    primary.key = endpoint.network().empty() ? spec.mode() : endpoint.network();
    primary.network_id = primary.key;
    primary.ip = endpoint.ip();
    primary.prefix_length = endpoint.prefix_length();
    primary.mac = endpoint.mac();
    primary.gateway = endpoint.gateway();
    primary.aliases.assign(spec.aliases().begin(), spec.aliases().end());
    primary.requested_ip = spec.ip();
    primary.names_in_hosts = !endpoint.network().empty() && !endpoint.cni() &&
                             endpoint.network() != kDefaultBridgeNetwork;
    attachments.push_back(std::move(primary));
  }
  for (const v1::VifSpec& vif : container.interfaces()) {
    Attachment attached;
    attached.key = vif.network().empty() ? vif.host_interface() : vif.network();
    attached.network_id = vif.network().empty() ? vif.bridge() : vif.network();
    if (!vif.addresses().empty()) SplitCidr(vif.addresses(0), attached);
    attached.mac = vif.mac();
    attached.gateway = vif.gateway();
    attached.aliases.assign(vif.aliases().begin(), vif.aliases().end());
    attached.names_in_hosts = !vif.network().empty() && vif.network() != kDefaultBridgeNetwork;
    attachments.push_back(std::move(attached));
  }
  return attachments;
}

Value EndpointSettingsOf(const v1::Container& container, const Attachment& attachment,
                         JsonBuilder& json) {
  Value network = JsonBuilder::Object();
  if (attachment.requested_ip.empty()) {
    json.Add(network, "IPAMConfig", JsonBuilder::Null());
  } else {
    Value ipam = JsonBuilder::Object();
    json.Add(ipam, "IPv4Address", json.Text(attachment.requested_ip));
    json.Add(network, "IPAMConfig", std::move(ipam));
  }
  json.Add(network, "Links", JsonBuilder::Null());
  json.Add(network, "Aliases", json.TextList(attachment.aliases, true));
  json.Add(network, "MacAddress", json.Text(attachment.mac));
  json.Add(network, "DriverOpts", JsonBuilder::Null());
  json.Add(network, "NetworkID", json.Text(attachment.network_id));
  json.Add(network, "EndpointID", json.Text(""));
  json.Add(network, "Gateway", json.Text(attachment.gateway));
  json.Add(network, "IPAddress", json.Text(attachment.ip));
  json.Add(network, "IPPrefixLen", JsonBuilder::Int(attachment.prefix_length));
  json.Add(network, "IPv6Gateway", json.Text(""));
  json.Add(network, "GlobalIPv6Address", json.Text(""));
  json.Add(network, "GlobalIPv6PrefixLen", JsonBuilder::Int(0));
  // The names the other containers of the network find it by (its line of their /etc/hosts);
  // null where there are none, as Docker's on its default bridge.
  if (attachment.names_in_hosts) {
    std::vector<std::string> names{container.name()};
    names.insert(names.end(), attachment.aliases.begin(), attachment.aliases.end());
    const std::string& hostname = container.spec().hostname();
    if (!hostname.empty() && hostname != container.name()) names.push_back(hostname);
    json.Add(network, "DNSNames", json.TextList(names, true));
  } else {
    json.Add(network, "DNSNames", JsonBuilder::Null());
  }
  return network;
}

}  // namespace

Value DockerNetworkSettings(const v1::Container& container, const DockerContainerSources& sources,
                            JsonBuilder& json) {
  const v1::NetworkEndpoint& endpoint = container.network_endpoint();
  const bool running = container.state() == v1::CONTAINER_STATE_RUNNING ||
                       container.state() == v1::CONTAINER_STATE_PAUSED;
  const std::string& mode = container.spec().network().mode();
  const bool own_namespace = mode != "host" && mode.rfind("container:", 0) != 0;
  const bool default_bridge = endpoint.network() == kDefaultBridgeNetwork;
  Value out = JsonBuilder::Object();
  json.Add(out, "Bridge", json.Text(""));
  json.Add(out, "SandboxID", json.Text(""));
  json.Add(out, "SandboxKey",
           json.Text(running && own_namespace && container.pid() > 0
                         ? "/proc/" + std::to_string(container.pid()) + "/ns/net"
                         : ""));
  // While it runs: each published port with its bindings, exposed ones without any (null).
  json.Add(out, "Ports",
           running ? PortMapOf(container.published_ports(), ExposedPortsOf(container, sources),
                               "0.0.0.0", json)
                   : JsonBuilder::Object());
  json.Add(out, "HairpinMode", JsonBuilder::Bool(false));
  json.Add(out, "LinkLocalIPv6Address", json.Text(""));
  json.Add(out, "LinkLocalIPv6PrefixLen", JsonBuilder::Int(0));
  json.Add(out, "SecondaryIPAddresses", JsonBuilder::Null());
  json.Add(out, "SecondaryIPv6Addresses", JsonBuilder::Null());
  json.Add(out, "EndpointID", json.Text(""));
  json.Add(out, "Gateway", json.Text(default_bridge ? endpoint.gateway() : ""));
  json.Add(out, "GlobalIPv6Address", json.Text(""));
  json.Add(out, "GlobalIPv6PrefixLen", JsonBuilder::Int(0));
  json.Add(out, "IPAddress", json.Text(default_bridge ? endpoint.ip() : ""));
  json.Add(out, "IPPrefixLen", JsonBuilder::Int(default_bridge ? endpoint.prefix_length() : 0));
  json.Add(out, "IPv6Gateway", json.Text(""));
  json.Add(out, "MacAddress", json.Text(default_bridge ? endpoint.mac() : ""));
  Value networks = JsonBuilder::Object();
  for (const Attachment& attachment : AttachmentsOf(container)) {
    if (networks.HasMember(attachment.key.c_str())) continue;
    json.Put(networks, attachment.key, EndpointSettingsOf(container, attachment, json));
  }
  json.Add(out, "Networks", std::move(networks));
  return out;
}

}  // namespace boxcar::cli
