#include "net/nft_table.h"

#include <nftables/libnftables.h>

namespace boxcar {

namespace {

// NOTE: prerouting DNATs what arrives for a local address (fib ... type local), output what
// the host itself sends (127.0.0.1 too: the bridge has route_localnet, and the last rule
// masquerades such packets to the bridge's address). Traffic DNATed back onto a subnet
// (container to a published port, hairpin) is masqueraded so replies return the same way.
// route_localnet would also let a container's hand-made frame to 127.0.0.1 in (to the host's
// loopback-only services, or DNATed to a port published on 127.0.0.1 only; the same for
// another machine's frame to the host): loopback destinations are dropped before conntrack
// unless they come from lo (replies to the host's 127.0.0.1 come back to the masqueraded
// bridge address, not to 127.0.0.1).
// `isolation` keeps a network's containers to themselves, as Docker's isolation chains and
// its FORWARD drop do: a new connection forwarded into a network's bridge from anywhere but
// that bridge (another network, the LAN) is dropped unless it was DNATed to a published port;
// replies to the containers' own connections are not new.
constexpr const char* kTable = R"nft(
add table ip boxcar
delete table ip boxcar
table ip boxcar {
  set subnets { type ipv4_addr; flags interval; }
  set bridges { type ifname; }
  set same_bridge { type ifname . ifname; }
  map ports_any { type inet_proto . inet_service : ipv4_addr . inet_service; }
  map ports_ip { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }
  chain isolation {
    type filter hook forward priority filter; policy accept;
    oifname @bridges ct state new ct status ! dnat iifname . oifname != @same_bridge drop
  }
  chain loopback_guard {
    type filter hook prerouting priority raw; policy accept;
    iifname != "lo" ip daddr 127.0.0.0/8 drop
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    fib daddr type local dnat ip to meta l4proto . th dport map @ports_any
    dnat ip to ip daddr . meta l4proto . th dport map @ports_ip
  }
  chain output {
    type nat hook output priority -100; policy accept;
    fib daddr type local dnat ip to meta l4proto . th dport map @ports_any
    dnat ip to ip daddr . meta l4proto . th dport map @ports_ip
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr @subnets ip daddr != @subnets masquerade
    ct status dnat ip saddr @subnets masquerade
    ct status dnat ip saddr 127.0.0.0/8 masquerade
  }
}
)nft";

// The elements of one bridge network: its subnet (masquerade) and its bridge (isolation).
std::string NetworkElements(const std::string& verb, const std::string& cidr,
                            const std::string& bridge) {
  const std::string name = "\"" + bridge + "\"";
  return verb + " element ip boxcar subnets { " + cidr + " }\n" + verb +
         " element ip boxcar bridges { " + name + " }\n" + verb +
         " element ip boxcar same_bridge { " + name + " . " + name + " }";
}

std::string PortElement(const PortRule& rule) {
  std::string key = rule.protocol + " . " + std::to_string(rule.host_port);
  std::string map = "ports_any";
  if (!rule.host_ip.empty()) {
    key = rule.host_ip + " . " + key;
    map = "ports_ip";
  }
  return map + " { " + key + " : " + rule.container_ip + " . " +
         std::to_string(rule.container_port) + " }";
}

}  // namespace

NftTable::NftTable() {
  context_ = nft_ctx_new(NFT_CTX_DEFAULT);
  if (context_) {
    nft_ctx_buffer_output(context_);
    nft_ctx_buffer_error(context_);
  }
}

NftTable::~NftTable() {
  if (context_) nft_ctx_free(context_);
}

Status NftTable::Run(const std::string& commands, const std::string& what) {
  if (!context_) return Internal("nftables: no libnftables context");
  if (nft_run_cmd_from_buffer(context_, commands.c_str()) != 0) {
    std::string error = nft_ctx_get_error_buffer(context_);
    while (!error.empty() && error.back() == '\n') error.pop_back();
    return Internal("nftables: " + what + ": " + error);
  }
  return OkStatus();
}

Status NftTable::Reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  RETURN_IF_ERROR(Run(kTable, "create table ip boxcar"));
  installed_ = true;
  networks_.clear();
  port_elements_.clear();
  return OkStatus();
}

Status NftTable::EnsureInstalled() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (installed_) return OkStatus();
  }
  return Reset();
}

Status NftTable::RunRestoring(const std::string& commands, const std::string& what) {
  Status ran = Run(commands, what);
  if (ran.ok()) return ran;
  bool restored = false;
  if (Status restore = RestoreIfMissingLocked(&restored); !restore.ok() || !restored) return ran;
  return Run(commands, what);
}

Status NftTable::AddNetwork(const std::string& cidr, const std::string& bridge) {
  std::lock_guard<std::mutex> lock(mutex_);
  RETURN_IF_ERROR(
      RunRestoring(NetworkElements("add", cidr, bridge), "add network " + cidr + " on " + bridge));
  networks_.insert({cidr, bridge});
  return OkStatus();
}

Status NftTable::RemoveNetwork(const std::string& cidr, const std::string& bridge) {
  std::lock_guard<std::mutex> lock(mutex_);
  networks_.erase({cidr, bridge});
  return Run(NetworkElements("delete", cidr, bridge), "remove network " + cidr + " on " + bridge);
}

Status NftTable::AddPort(const PortRule& rule) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string element = PortElement(rule);
  RETURN_IF_ERROR(RunRestoring("add element ip boxcar " + element, "publish port"));
  port_elements_.insert(element);
  return OkStatus();
}

Status NftTable::RemovePort(const PortRule& rule) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string element = PortElement(rule);
  port_elements_.erase(element);
  return Run("delete element ip boxcar " + element, "unpublish port");
}

Status NftTable::Remove() {
  std::lock_guard<std::mutex> lock(mutex_);
  installed_ = false;
  networks_.clear();
  port_elements_.clear();
  return Run("add table ip boxcar\ndelete table ip boxcar", "delete table ip boxcar");
}

Status NftTable::Check() {
  std::lock_guard<std::mutex> lock(mutex_);
  return CheckLocked();
}

Status NftTable::CheckLocked() {
  if (!installed_) return OkStatus();
  if (!context_) return Internal("nftables: no libnftables context");
  // NOTE: terse: the chains and sets without their elements, so the check costs the same
  // with ten thousand published ports.
  const unsigned int flags = nft_ctx_output_get_flags(context_);
  nft_ctx_output_set_flags(context_, flags | NFT_CTX_OUTPUT_TERSE);
  const int listed = nft_run_cmd_from_buffer(context_, "list table ip boxcar");
  nft_ctx_output_set_flags(context_, flags);
  const std::string listing = nft_ctx_get_output_buffer(context_);
  if (listed != 0) {
    (void)nft_ctx_get_error_buffer(context_);  // emptied for the next command
    return NotFound("nftables: table ip boxcar is missing");
  }
  for (const char* part :
       {"set subnets ", "set bridges ", "set same_bridge ", "map ports_any ", "map ports_ip ",
        "chain isolation ", "chain loopback_guard ", "chain prerouting ", "chain output ",
        "chain postrouting ", "masquerade", "drop"}) {
    if (listing.find(part) == std::string::npos) {
      return NotFound(std::string("nftables: table ip boxcar lacks '") + part + "'");
    }
  }
  return OkStatus();
}

Status NftTable::RestoreIfMissing(bool* restored) {
  std::lock_guard<std::mutex> lock(mutex_);
  return RestoreIfMissingLocked(restored);
}

Status NftTable::RestoreIfMissingLocked(bool* restored) {
  *restored = false;
  const Status checked = CheckLocked();
  if (checked.ok()) return OkStatus();
  std::string commands = kTable;
  for (const auto& [cidr, bridge] : networks_) {
    commands += NetworkElements("add", cidr, bridge) + "\n";
  }
  for (const auto& element : port_elements_) commands += "add element ip boxcar " + element + "\n";
  RETURN_IF_ERROR(Run(commands, "restore table ip boxcar (" + checked.message() + ")"));
  *restored = true;
  return OkStatus();
}

}  // namespace boxcar
