// Containers on CNI networks: the conflist checked at network create, the spec at container
// create, ADD at start (with the network namespace pinned and the cache entry written before
// the first plugin runs), DEL after the exit (pending from Detach until the exit's deferred
// clean-up, a Start or a Remove runs it), and the reconciliation of cached attachments at
// start-up. Host ports go through the agent's port table like those of bridge networks: the
// plugins have no conflict check of their own.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <set>

#include "common/crash_points.h"
#include "common/delay_points.h"
#include "common/directory_tree.h"
#include "net/cni/cni_conflist.h"
#include "net/ipv4_subnet.h"
#include "net/cni/cni_netns_pin.h"
#include "net/cni/cni_network.h"
#include "net/cni/cni_result.h"
#include "net/iptables_rules.h"
#include "net/network_service.h"

namespace boxcar {

namespace {

constexpr const char* kConflistField = "network.cni_conflist";

// The container's address in a CNI result ("10.22.0.5/24" -> "10.22.0.5"); empty when none.
std::string FirstResultAddress(const std::string& result_json) {
  return ParseCniResultAddress(result_json).ip;
}

std::string RuntimeConfigJson(const std::vector<PortRule>& ports, const v1::NetworkSpec& spec) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  if (!ports.empty()) {
    writer.Key("portMappings");
    writer.StartArray();
    for (const auto& port : ports) {
      writer.StartObject();
      writer.Key("hostPort");
      writer.Uint(port.host_port);
      writer.Key("containerPort");
      writer.Uint(port.container_port);
      writer.Key("protocol");
      writer.String(port.protocol.c_str());
      if (!port.host_ip.empty()) {
        writer.Key("hostIP");
        writer.String(port.host_ip.c_str());
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  if (!spec.mac().empty()) {
    writer.Key("mac");
    writer.String(spec.mac().c_str());
  }
  if (!spec.ip().empty()) {
    writer.Key("ips");
    writer.StartArray();
    writer.String(spec.ip().c_str());
    writer.EndArray();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// NOTE: with the firewall plugin and a host FORWARD policy of DROP, new connections DNATed to
// a published port are dropped (the plugin accepts only the container's own and established
// traffic); CNI-ADMIN is the chain the plugin leaves to administrators.
constexpr const char* kCniAdminChain = "CNI-ADMIN";
std::vector<std::string> AdminAcceptRule(const std::string& ip, const std::string& container_id) {
  return {"-d", ip + "/32", "-m", "conntrack", "--ctstate", "DNAT", "-m", "comment", "--comment",
          "boxcar " + container_id.substr(0, 12), "-j", "ACCEPT"};
}
bool NeedsAdminAccept(const CniConflist& conflist, const CniAttachment& attachment) {
  return conflist.HasPlugin("firewall") &&
         attachment.runtime_config_json.find("\"portMappings\"") != std::string::npos;
}

}  // namespace

Status NetworkService::CheckCniNetwork(const v1::Network& network) {
  for (const auto& [field, set] : {std::pair<const char*, bool>{"network.subnet", !network.subnet().empty()},
                                   {"network.gateway", !network.gateway().empty()},
                                   {"network.bridge", !network.bridge().empty()},
                                   {"network.mtu", network.mtu() != 0}}) {
    if (set) {
      return InvalidArgument(std::string(field) +
                             ": set by the CNI conflist's plugins, not beside network.cni_conflist");
    }
  }
  ASSIGN_OR_RETURN(CniConflist conflist, ParseCniConflist(network.cni_conflist(), kConflistField));
  return CheckCniPluginsPresent(conflist, config_.cni_path, kConflistField);
}

StatusOr<v1::NetworkEndpoint> NetworkService::ReserveCni(const std::string& container_id,
                                                         const std::string& container_name,
                                                         const v1::NetworkSpec& spec,
                                                         const v1::Network& network,
                                                         const NetworkRequestFields& fields) {
  ASSIGN_OR_RETURN(CniConflist conflist, ParseCniConflist(network.cni_conflist(), kConflistField));
  auto needs = [&](bool wanted, const char* capability, const std::string& field) {
    if (!wanted || conflist.HasCapability(capability)) return OkStatus();
    return InvalidArgument(field + ": network " + network.name() +
                           "'s conflist has no plugin with capabilities {\"" + capability +
                           "\": true}");
  };
  RETURN_IF_ERROR(needs(spec.ports_size() > 0, "portMappings", "spec.network.ports"));
  RETURN_IF_ERROR(needs(!spec.ip().empty(), "ips", fields.ip));
  RETURN_IF_ERROR(needs(!spec.mac().empty(), "mac", "spec.network.mac"));
  if (!spec.ip().empty()) RETURN_IF_ERROR(ParseIpv4Address(spec.ip(), fields.ip).status());
  if (!spec.mac().empty()) RETURN_IF_ERROR(CheckMacAddress(spec.mac(), "spec.network.mac"));
  v1::NetworkEndpoint endpoint;
  endpoint.set_network(network.name());
  endpoint.set_container_id(container_id);
  endpoint.set_container_name(container_name);
  endpoint.set_mac(spec.mac());
  endpoint.set_cni(true);
  return endpoint;
}

StatusOr<NetworkAttachment> NetworkService::AttachCni(const v1::Container& record,
                                                      const std::string& etc_files_dir,
                                                      pid_t netns_pid, const v1::Network& network) {
  const std::string& id = record.id();
  const v1::NetworkSpec& spec = record.spec().network();
  ASSIGN_OR_RETURN(CniConflist conflist, ParseCniConflist(network.cni_conflist(), kConflistField));
  // What can fail without leaving anything comes first: the host ports.
  std::vector<PortRule> claimed;
  std::vector<v1::PortMapping> published;
  auto release_ports = [&] {
    for (const auto& rule : claimed) ports_.Release(id, rule.host_ip, rule.protocol, rule.host_port);
  };
  for (int i = 0; i < spec.ports_size(); ++i) {
    const v1::PortMapping& port = spec.ports(i);
    auto host_port = ports_.Claim(id, port.host_ip(), port.protocol(), port.host_port(),
                                  "spec.network.ports[" + std::to_string(i) + "]");
    if (!host_port.ok()) {
      release_ports();
      return host_port.status();
    }
    claimed.push_back({port.host_ip(), port.protocol(), *host_port, "", port.container_port()});
    v1::PortMapping mapping = port;
    mapping.set_host_port(*host_port);
    published.push_back(mapping);
  }

  CniAttachment attachment;
  attachment.container_id = id;
  attachment.network = network.name();
  attachment.netns_path = config_.cni_state_dir + "/netns/" + id;
  attachment.conflist_json = network.cni_conflist();
  attachment.runtime_config_json = RuntimeConfigJson(claimed, spec);
  if (Status pinned = PinNetworkNamespace(netns_pid, attachment.netns_path); !pinned.ok()) {
    release_ports();
    return pinned;
  }
  CrashPoint("cni.after_pin");
  auto forget = [&](Status failure) {
    (void)UnpinNetworkNamespace(attachment.netns_path);
    (void)cni_cache_.Remove(id);
    release_ports();
    return failure;
  };
  // Written before the first plugin runs: an agent killed during the ADD DELs at start-up.
  if (Status saved = cni_cache_.Save(attachment); !saved.ok()) return forget(saved);
  CniNetwork cni(&cni_exec_, conflist);
  auto result = cni.Add(attachment);
  if (!result.ok()) return forget(result.status());
  attachment.result_json = *result;
  if (Status saved = cni_cache_.Save(attachment); !saved.ok()) {
    (void)cni.Del(attachment);
    return forget(saved);
  }
  const CniResultAddress address = ParseCniResultAddress(attachment.result_json);
  const std::string& ip = address.ip;
  if (!ip.empty() && NeedsAdminAccept(conflist, attachment)) {
    if (Status accepted = EnsureIptablesRule(kCniAdminChain, AdminAcceptRule(ip, id)); !accepted.ok()) {
      spdlog::warn("container {}: {}", id.substr(0, 12), accepted.message());
    }
  }
  for (auto& rule : claimed) rule.container_ip = ip;
  Attached attached{network.name(), "",      ip,         {record.name()},
                    etc_files_dir,  claimed, attachment, ExtraHosts(record)};
  std::unique_lock<std::mutex> lock(mutex_);
  if (Status finished = FinishAttach(record, attached); !finished.ok()) {
    lock.unlock();
    if (Status deleted = DelCni(attachment); !deleted.ok()) {
      spdlog::warn("container {}: {}", id.substr(0, 12), deleted.message());
    }
    release_ports();
    return finished;
  }
  spdlog::debug("container {} on CNI network {} as {}", id.substr(0, 12), network.name(), ip);
  NetworkAttachment plugged{std::move(published), record.network_endpoint()};
  plugged.endpoint.set_cni(true);
  plugged.endpoint.set_ip(ip);
  plugged.endpoint.set_prefix_length(address.prefix_length);
  plugged.endpoint.set_gateway(address.gateway);
  if (!address.mac.empty()) plugged.endpoint.set_mac(address.mac);
  return plugged;
}

void NetworkService::RunPendingDel(const std::string& container_id) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto pending = pending_dels_.find(container_id);
  if (pending == pending_dels_.end()) return;
  if (pending->second.running) {
    pending_dels_changed_.wait(lock, [&] { return !pending_dels_.count(container_id); });
    return;
  }
  pending->second.running = true;
  const Attached cni = pending->second.attached;
  lock.unlock();
  DelayPoint("cni.before_exit_del");
  if (Status deleted = DelCni(*cni.cni); !deleted.ok()) {
    spdlog::warn("container {}: {} (kept for a retry at the agent's next start)",
                 container_id.substr(0, 12), deleted.message());
  }
  // Only now: until DEL ran, portmap's DNAT rules still send the port to the old address.
  for (const auto& rule : cni.ports) {
    ports_.Release(container_id, rule.host_ip, rule.protocol, rule.host_port);
  }
  lock.lock();
  pending_dels_.erase(container_id);
  pending_dels_changed_.notify_all();
}

void NetworkService::RunPendingDels() {
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, pending] : pending_dels_) ids.push_back(id);
  }
  for (const auto& id : ids) RunPendingDel(id);
}

void NetworkService::RunConflictingPendingDels(const v1::Container& record) {
  const v1::NetworkSpec& spec = record.spec().network();
  std::vector<std::string> conflicting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, pending] : pending_dels_) {
      bool conflicts = !spec.ip().empty() && pending.attached.ip == spec.ip() &&
                       pending.attached.network == record.network_endpoint().network();
      for (const auto& rule : pending.attached.ports) {
        for (const auto& port : spec.ports()) {
          conflicts |= port.host_port() != 0 && port.host_port() == rule.host_port &&
                       port.protocol() == rule.protocol;
        }
      }
      if (conflicts) conflicting.push_back(id);
    }
  }
  for (const auto& id : conflicting) RunPendingDel(id);
}

Status NetworkService::DelCni(const CniAttachment& attachment) {
  ASSIGN_OR_RETURN(CniConflist conflist,
                   ParseCniConflist(attachment.conflist_json, "cached " + std::string(kConflistField)));
  const std::string ip = FirstResultAddress(attachment.result_json);
  if (!ip.empty() && NeedsAdminAccept(conflist, attachment)) {
    (void)DeleteIptablesRule(kCniAdminChain, AdminAcceptRule(ip, attachment.container_id));
  }
  RETURN_IF_ERROR(CniNetwork(&cni_exec_, conflist).Del(attachment));
  RETURN_IF_ERROR(UnpinNetworkNamespace(attachment.netns_path));
  return cni_cache_.Remove(attachment.container_id);
}

void NetworkService::RecoverCni(const std::map<std::string, const v1::Container*>& by_id) {
  auto cached = cni_cache_.LoadAll();
  if (!cached.ok()) {
    spdlog::warn("CNI: {}", cached.status().message());
    return;
  }
  std::set<std::string> pinned_ids;
  for (const auto& attachment : *cached) {
    const std::string& id = attachment.container_id;
    pinned_ids.insert(id);
    auto container = by_id.find(id);
    const bool live = container != by_id.end() &&
                      (container->second->state() == v1::CONTAINER_STATE_RUNNING ||
                       container->second->state() == v1::CONTAINER_STATE_PAUSED);
    if (!live || attachment.result_json.empty()) {
      spdlog::info("CNI network {}: DEL of container {}, which {}", attachment.network,
                   id.substr(0, 12), live ? "was killed during its ADD" : "no longer runs");
      if (Status deleted = DelCni(attachment); !deleted.ok()) {
        spdlog::warn("container {}: {}", id.substr(0, 12), deleted.message());
      }
      continue;
    }
    const v1::Container& record = *container->second;
    auto conflist = ParseCniConflist(attachment.conflist_json, kConflistField);
    if (conflist.ok()) {
      // The cached result against what is there now (a removed address or route shows).
      Status checked = CniNetwork(&cni_exec_, *conflist).Check(attachment);
      if (checked.ok()) {
        spdlog::info("container {}: CNI CHECK on network {} passed", id.substr(0, 12),
                     attachment.network);
      } else {
        spdlog::warn("container {}: CNI CHECK failed: {}", id.substr(0, 12), checked.message());
      }
    }
    Attached attached{attachment.network,
                      "",
                      FirstResultAddress(attachment.result_json),
                      {record.name(), record.spec().hostname()},
                      etc_files_dir_of_(id),
                      {},
                      attachment,
                      ExtraHosts(record)};
    attached.aliases = {record.spec().network().aliases().begin(),
                        record.spec().network().aliases().end()};
    for (const auto& port : record.published_ports()) {
      auto claimed = ports_.Claim(id, port.host_ip(), port.protocol(), port.host_port(), "port");
      if (!claimed.ok()) {
        spdlog::warn("container {}: {}", id.substr(0, 12), claimed.status().message());
        continue;
      }
      attached.ports.push_back({port.host_ip(), port.protocol(), port.host_port(), attached.ip,
                                port.container_port()});
    }
    attached_[id] = std::move(attached);
  }
  // A pin made just before the agent was killed, its cache entry not yet written.
  for (const auto& name : ListDirectoryNames(config_.cni_state_dir + "/netns")) {
    if (!pinned_ids.count(name)) (void)UnpinNetworkNamespace(config_.cni_state_dir + "/netns/" + name);
  }
}

}  // namespace boxcar
