// Container networks of one agent: bridge networks (records and address leases in SQLite),
// what a container's start plugs into its network namespace (veth, address, route, published
// ports as nftables map elements, /etc/hosts, resolv.conf, hostname) and what its exit and
// removal take away again. Nothing touches the host's network until a network is used.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/networks.pb.h"
#include "common/status.h"
#include "net/cni/cni_plugin_exec.h"
#include "net/cni/cni_result_cache.h"
#include "net/conntrack_flush.h"
#include "net/conntrack_flush_queue.h"
#include "net/container_name_files.h"
#include "net/network_change_watch.h"
#include "net/network_records.h"
#include "net/nft_table.h"
#include "net/port_table.h"
#include "net/subnet_allocator.h"
#include "store/sqlite_database.h"

namespace boxcar {

inline constexpr const char* kNetworkNone = "none";
inline constexpr const char* kNetworkHost = "host";
// A compute driver's VIF (spec.network.vif) on an existing bridge.
inline constexpr const char* kNetworkVif = "vif";
// The built-in network, created at its first use when no network of that name exists.
inline constexpr const char* kDefaultBridgeNetwork = "boxcar0";
inline constexpr const char* kDefaultBridgeSubnet = "10.88.0.0/16";

struct NetworkServiceConfig {
  // Network of a container whose spec names none: "none" unless the agent says otherwise.
  std::string default_network = kNetworkNone;
  // The host's resolvers (containers' resolv.conf) and names (--network host's /etc/hosts).
  HostResolvConfPaths host_resolv_conf;
  std::string host_hosts_file = "/etc/hosts";
  // Directories of CNI plugin binaries, searched in order (CNI_PATH).
  std::vector<std::string> cni_path = {"/opt/cni/bin", "/usr/lib/cni"};
  // The CNI state: results/<id>.json (cni_result_cache.h), netns/<id> (cni_netns_pin.h).
  std::string cni_state_dir = "/var/lib/boxcar/cni";
  // Where a bridge network created without a subnet gets one (--default-address-pool).
  std::vector<AddressPool> address_pools = DefaultAddressPools();
};

// The host end of a container's veth: "bx" + 11 characters of its id (IFNAMSIZ is 16).
std::string HostVethName(const std::string& container_id);

// The lease key of a connection of `container_id` to `network` beside its spec's network
// (network_connections.cc), and the container holding a lease of such a key (or a plain id).
std::string ConnectionKey(const std::string& container_id, const std::string& network);
std::string LeaseHolder(const std::string& lease_key);

// What a start's Attach plugged in: the published ports with their host ports, and the
// container's endpoint as it is while it runs (on a CNI network the address, prefix, gateway
// and MAC of the plugins' result).
struct NetworkAttachment {
  std::vector<v1::PortMapping> published_ports;
  v1::NetworkEndpoint endpoint;
};

// The request fields a reservation's errors name: the spec's at Create, Connect's own
// ("network", "ip") when `network connect` gives a stopped container its network.
struct NetworkRequestFields {
  std::string mode = "spec.network.mode";
  std::string ip = "spec.network.ip";
};

class NetworkService {
 public:
  NetworkService(NetworkServiceConfig config, SqliteDatabase* db);

  // At start-up, before serving: loads networks and leases, drops the leases of containers
  // not in `containers`, rebuilds the nftables table with the ports of those that run, and
  // deletes host veths left by the ones that do not. `etc_files_dir_of(id)`: where a
  // container's generated /etc files are (its state directory).
  Status Recover(const std::vector<v1::Container>& containers,
                 const std::function<std::string(const std::string& id)>& etc_files_dir_of);
  const std::string& default_network() const { return config_.default_network; }

  StatusOr<v1::Network> CreateNetwork(const v1::Network& wanted);
  std::vector<v1::Network> ListNetworks();
  StatusOr<v1::Network> InspectNetwork(const std::string& name);
  Status RemoveNetwork(const std::string& name);
  // Removes every network no container is on (RemoveNetwork's rule), but the default one and
  // the built-in bridge (network_prune.cc); the names removed.
  std::vector<std::string> PruneNetworks();

  // At Create: fills in spec->mode, checks the spec (errors name spec.network.*, the mode and
  // ip as `fields` says) and leases an address on a named network. The endpoint (empty for
  // none and host).
  StatusOr<v1::NetworkEndpoint> Reserve(const std::string& container_id,
                                        const std::string& container_name, v1::NetworkSpec* spec,
                                        const NetworkRequestFields& fields = {});
  // At Remove: the lease goes.
  Status Release(const std::string& container_id);
  // At a Create (or connect) refused after Reserve: Release, and the built-in network goes
  // again if this reservation made it and no lease or bridge uses it, so nothing is left.
  void ReleaseRefused(const std::string& container_id);

  // At Start, for a container not plugged into a network of its own (none, host): its
  // /etc/hosts, resolv.conf and hostname into `etc_files_dir` (container_name_files.h). With
  // none, hosts has loopback and its hostname; with host, the host's hosts file and hostname.
  Status WriteUnattachedEtcFiles(const v1::Container& record, const std::string& etc_files_dir);

  // At Start, before the payload runs: plugs the container into the network namespace of
  // `netns_pid`; its /etc files go into `etc_files_dir`. Undone on failure.
  // `idle_veth`: an idle pair already in that namespace (PrepareIdleVeth), claimed instead of
  // making one on a bridge network of its MTU; a failed claim falls back to a fresh pair.
  StatusOr<NetworkAttachment> Attach(const v1::Container& record, const std::string& etc_files_dir,
                                     pid_t netns_pid, const std::string& idle_veth = "");
  // For a prewarmed helper (pid `helper_pid`, cgroup slot `slot_name`): an idle veth pair in
  // its network namespace, once a bridge network is in use (before, nothing of the host's
  // network is touched). Its name, or "" when none was made.
  std::string PrepareIdleVeth(pid_t helper_pid, const std::string& slot_name);
  // Whether the start of `record` could claim an idle pair: it is on a bridge network (not
  // CNI, not a VIF) of the idle pairs' MTU and holds its lease. Only such starts may get a
  // helper with one (PrewarmPool::TakeSlot).
  bool CanClaimIdleVeth(const v1::Container& record);
  // At the exit, or the failure of a start after Attach: ports, host veth and hosts entries go.
  // On a CNI network the plugins' DEL (a tenth of a second or more) is left pending, for
  // RunPendingDel: the pin keeps the namespace, the cache entry what DEL needs (and what the
  // next start-up DELs if the agent dies first), and the host ports stay claimed until it ran.
  // `namespace_outlives`: another container shares its network namespace and keeps it; the
  // host veth is deleted here then (not left to the namespace's end).
  void Detach(const v1::Container& record, bool namespace_outlives = false);
  // The pending DEL of `container_id`, if any: run here when nobody runs it yet, waited for
  // when someone does. The exit's deferred clean-up calls it, and Start and Remove before
  // they go on (a failed start right after its Detach).
  void RunPendingDel(const std::string& container_id);
  // Every pending DEL (at the agent's stop).
  void RunPendingDels();
  // The endpoint of a container that no longer runs: a CNI network's address goes (the
  // plugins' DEL gave it back), a bridge network's lease stays. Needs no network loaded, so
  // an exit found at start-up, before Recover, gets it too.
  static void EndpointAfterExit(const v1::NetworkSpec& spec, v1::NetworkEndpoint* endpoint);

  // A VIF of Networks.AttachInterface (vif_attachment.cc): its fields checked (errors name
  // `field`.<name>) and its name inside the container required.
  static Status CheckVif(const v1::VifSpec& vif, const std::string& field);
  // Plugs an attached VIF into the network namespace of `netns_pid`: a veth whose host end is
  // vif.host_interface on vif.bridge, the other end vif.name with the VIF's MAC, MTU and
  // addresses, and a default route via its gateway when `default_route`. A host link of that
  // name is refused, unless `replace_leftover` (a start of the container that owns the name:
  // the pair of its last run may still be going with its old network namespace).
  Status PlugInterface(const std::string& container_id, const v1::VifSpec& vif, pid_t netns_pid,
                       bool default_route, bool replace_leftover);
  // `network connect` beside the spec's network (network_connections.cc): a lease on the
  // bridge network `network` (errors name network and ip) and the VIF that plugs it in, its
  // name inside the container left to AttachInterface. CNI networks: FAILED_PRECONDITION.
  StatusOr<v1::VifSpec> ReserveConnection(const std::string& container_id,
                                          const std::string& network, const std::string& ip);
  // The lease goes and the container leaves the network's hosts files; its own loses that
  // network's containers.
  Status ReleaseConnection(const std::string& container_id, const std::string& network);
  // Once a connection's VIF is plugged into the running container: its names join the hosts
  // files of the network's containers, theirs its own. No-op for a VIF of no network.
  void JoinConnection(const v1::Container& record, const v1::VifSpec& vif,
                      const std::string& etc_files_dir);
  // A running container renamed: its name in the hosts files of its networks' containers
  // (its own included) becomes `new_name`.
  void RenameContainer(const std::string& container_id, const std::string& old_name,
                       const std::string& new_name);
  // Deletes the host end of a plugged VIF (the pair goes with it); absent is fine.
  Status UnplugInterface(const std::string& container_id, const std::string& host_interface);

 private:
  // NotFound for a network name nothing knows, pointing to `boxcar network ls`.
  static Status NoSuchNetwork(const std::string& name);
  struct Attached {
    std::string network;  // a network's name, or "vif:<bridge>"
    std::string host_interface;
    std::string ip;
    std::vector<std::string> names;
    std::string etc_files_dir;    // where its /etc files are (its state directory)
    std::vector<PortRule> ports;  // on a CNI network: claims in ports_ only, no nft element
    std::optional<CniAttachment> cni;  // on a CNI network: what its DEL needs
    std::vector<HostsEntry> extra_hosts;  // --add-host, first in its hosts file
    std::string mac;                      // of its interface on the network (inspect)
    std::vector<std::string> aliases;     // its names on the network beside `names`
  };
  // The record's --add-host entries.
  static std::vector<HostsEntry> ExtraHosts(const v1::Container& record);

  // A new network checked and completed (a free subnet when none is given), not yet kept.
  // `adopt_existing_bridge`: the built-in network, whose bridge is Boxcar's wherever found.
  StatusOr<v1::Network> CheckNewNetworkLocked(const v1::Network& wanted,
                                              bool adopt_existing_bridge);
  // Persists and keeps a network CheckNewNetworkLocked gave.
  Status AddNetworkLocked(const v1::Network& network);
  // FAILED_PRECONDITION naming --subnet and the route or address when an explicit `subnet`
  // overlaps a route or address of the host's namespace (not on the agent's own bridges).
  Status CheckSubnetFreeOnHostLocked(const Ipv4Subnet& subnet);
  // The first subnet of the address pools no network and no host route or address overlaps
  // (the built-in network's counts, made or not).
  StatusOr<Ipv4Subnet> FreeSubnetLocked();
  // The VIF parts of Reserve and Attach (vif_attachment.cc).
  StatusOr<v1::NetworkEndpoint> ReserveVif(const std::string& container_id,
                                           const std::string& container_name,
                                           const v1::NetworkSpec& spec);
  StatusOr<NetworkAttachment> AttachVif(const v1::Container& record,
                                        const std::string& etc_files_dir, pid_t netns_pid);
  // The CNI parts of CreateNetwork, Reserve, Attach, Detach and Recover (cni_attachment.cc).
  Status CheckCniNetwork(const v1::Network& network);
  StatusOr<v1::NetworkEndpoint> ReserveCni(const std::string& container_id,
                                           const std::string& container_name,
                                           const v1::NetworkSpec& spec, const v1::Network& network,
                                           const NetworkRequestFields& fields);
  StatusOr<NetworkAttachment> AttachCni(const v1::Container& record,
                                        const std::string& etc_files_dir, pid_t netns_pid,
                                        const v1::Network& network);
  // DEL (the CNI-ADMIN accept first), then the pin and the cache entry go. On a failed DEL
  // both stay, for the next start-up's reconciliation to try again.
  Status DelCni(const CniAttachment& attachment);
  // Runs first the pending DELs whose host ports, or whose address on the same network,
  // `record` wants (a `run --rm` returns before its DEL has run).
  void RunConflictingPendingDels(const v1::Container& record);
  // With mutex_ held: running containers' attachments known again (and CHECKed), the others
  // DELed; pins without a cache entry removed.
  void RecoverCni(const std::map<std::string, const v1::Container*>& by_id);
  // resolv.conf and hostname into its etc files; the container joins attached_ and the hosts
  // files of its network are rewritten. With mutex_ held.
  Status FinishAttach(const v1::Container& record, Attached attached);
  // The bridge, the nftables table and the subnet element; called with mutex_ held.
  Status EnsureNetworkPlumbing(const v1::Network& network);
  // Recovery from others' changes (network_recovery.cc): once a bridge network exists, the
  // watch of the agent's namespace runs; with mutex_ held.
  void StartChangeWatchLocked();
  // The watch's handler: RestorePlumbingLocked under mutex_, failures logged.
  void OnHostNetworkChanged(const std::string& cause);
  // Puts back what others deleted of the plumbing of the networks in use (plumbed_): the
  // nftables table with every element (NftTable::RestoreIfMissing) and each missing bridge,
  // with the host ends of the running containers' veths (and connections) on it again.
  Status RestorePlumbingLocked(const std::string& cause);
  // Rewrites /etc/hosts of every attached container on `network`, and the one in
  // `also_etc_files_dir` (a container that just left `network`); with mutex_ held.
  void RefreshHosts(const std::string& network, const std::string& also_etc_files_dir = "");
  // The resolv.conf of a container (the host's resolvers or its spec's); the fallback to
  // public resolvers is logged once per agent.
  std::string ContainerResolvConf(const v1::NetworkSpec& spec, bool own_network_namespace);
  void UnpublishLocked(const std::string& container_id, const std::vector<PortRule>& ports);
  // DeleteConntrackEntries, a failure logged (the flows' entries expire by themselves).
  static void FlushConntrack(const std::string& container_id, const ConntrackFlush& flush,
                             const std::string& why);

  NetworkServiceConfig config_;
  NetworkRecords records_;
  CniPluginExec cni_exec_;
  CniResultCache cni_cache_;
  NftTable nft_;
  PortTable ports_;
  // The flushes of exits and of published UDP ports, off the paths that callers wait for.
  ConntrackFlushQueue conntrack_flushes_;
  std::mutex mutex_;
  std::map<std::string, v1::Network> networks_;   // by name
  std::map<std::string, AddressLease> leases_;    // by container id
  std::map<std::string, Attached> attached_;      // by container id, while running
  // CNI attachments of exited containers whose DEL has not run yet (Detach), by container
  // id; `running` once someone runs it.
  struct PendingDel {
    Attached attached;
    bool running = false;
  };
  std::map<std::string, PendingDel> pending_dels_;
  std::condition_variable pending_dels_changed_;
  std::set<std::string> plumbed_;                 // networks whose bridge is up
  // The container whose Reserve made the built-in network, for ReleaseRefused.
  std::string builtin_made_for_;
  std::atomic<bool> warned_resolver_fallback_{false};
  // Recover's, for RecoverCni.
  std::function<std::string(const std::string& id)> etc_files_dir_of_;
  // Last: destroyed (its thread joined) before what its handler uses.
  std::unique_ptr<NetworkChangeWatch> change_watch_;
};

}  // namespace boxcar
