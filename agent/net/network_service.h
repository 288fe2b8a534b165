// Container networks of one agent: bridge networks (records and address leases in SQLite),
// what a container's start plugs into its network namespace (veth, address, route, published
// ports as nftables map elements, /etc/hosts, resolv.conf, hostname) and what its exit and
// removal take away again. Nothing touches the host's network until a network is used.
#pragma once

#include <sys/types.h>

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
#include "net/network_records.h"
#include "net/nft_table.h"
#include "net/port_table.h"
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
  std::string host_resolv_conf = "/etc/resolv.conf";
  // Directories of CNI plugin binaries, searched in order (CNI_PATH).
  std::vector<std::string> cni_path = {"/opt/cni/bin", "/usr/lib/cni"};
  // The CNI state: results/<id>.json (cni_result_cache.h), netns/<id> (cni_netns_pin.h).
  std::string cni_state_dir = "/var/lib/boxcar/cni";
};

// The host end of a container's veth: "bx" + 11 characters of its id (IFNAMSIZ is 16).
std::string HostVethName(const std::string& container_id);

// What a start's Attach plugged in: the published ports with their host ports, and the
// container's endpoint as it is while it runs (on a CNI network the address, prefix, gateway
// and MAC of the plugins' result).
struct NetworkAttachment {
  std::vector<v1::PortMapping> published_ports;
  v1::NetworkEndpoint endpoint;
};

class NetworkService {
 public:
  NetworkService(NetworkServiceConfig config, SqliteDatabase* db);

  // At start-up, before serving: loads networks and leases, drops the leases of containers
  // not in `containers`, rebuilds the nftables table with the ports of those that run, and
  // deletes host veths left by the ones that do not.
  Status Recover(const std::vector<v1::Container>& containers);
  const std::string& default_network() const { return config_.default_network; }

  StatusOr<v1::Network> CreateNetwork(const v1::Network& wanted);
  std::vector<v1::Network> ListNetworks();
  StatusOr<v1::Network> InspectNetwork(const std::string& name);
  Status RemoveNetwork(const std::string& name);

  // At Create: fills in spec->mode, checks the spec (errors name spec.network.*) and leases
  // an address on a named network. The endpoint (empty for none and host).
  StatusOr<v1::NetworkEndpoint> Reserve(const std::string& container_id,
                                        const std::string& container_name,
                                        v1::NetworkSpec* spec);
  // At Remove (and a failed Create): the lease goes.
  Status Release(const std::string& container_id);

  // At Start, before the payload runs: plugs the container into the network namespace of
  // `netns_pid`. Undone on failure.
  StatusOr<NetworkAttachment> Attach(const v1::Container& record, const std::string& rootfs_dir,
                                     pid_t netns_pid);
  // At the exit, or the failure of a start after Attach: ports, host veth and hosts entries go.
  void Detach(const v1::Container& record);
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
  // Deletes the host end of a plugged VIF (the pair goes with it); absent is fine.
  Status UnplugInterface(const std::string& container_id, const std::string& host_interface);

 private:
  struct Attached {
    std::string network;  // a network's name, or "vif:<bridge>"
    std::string host_interface;
    std::string ip;
    std::vector<std::string> names;
    std::string rootfs_dir;
    std::vector<PortRule> ports;  // on a CNI network: claims in ports_ only, no nft element
    std::optional<CniAttachment> cni;  // on a CNI network: what its DEL needs
  };

  StatusOr<v1::Network> CreateNetworkLocked(const v1::Network& wanted);
  // The VIF parts of Reserve and Attach (vif_attachment.cc).
  StatusOr<v1::NetworkEndpoint> ReserveVif(const std::string& container_id,
                                           const std::string& container_name,
                                           const v1::NetworkSpec& spec);
  StatusOr<NetworkAttachment> AttachVif(const v1::Container& record, const std::string& rootfs_dir,
                                        pid_t netns_pid);
  // The CNI parts of CreateNetwork, Reserve, Attach, Detach and Recover (cni_attachment.cc).
  Status CheckCniNetwork(const v1::Network& network);
  StatusOr<v1::NetworkEndpoint> ReserveCni(const std::string& container_id,
                                           const std::string& container_name,
                                           const v1::NetworkSpec& spec,
                                           const v1::Network& network);
  StatusOr<NetworkAttachment> AttachCni(const v1::Container& record, const std::string& rootfs_dir,
                                        pid_t netns_pid, const v1::Network& network);
  // DEL (the CNI-ADMIN accept first), then the pin and the cache entry go. On a failed DEL
  // both stay, for the next start-up's reconciliation to try again.
  Status DelCni(const CniAttachment& attachment);
  // With mutex_ held: running containers' attachments known again (and CHECKed), the others
  // DELed; pins without a cache entry removed.
  void RecoverCni(const std::map<std::string, const v1::Container*>& by_id);
  // resolv.conf and hostname into the rootfs; the container joins attached_ and the hosts
  // files of its network are rewritten. With mutex_ held.
  Status FinishAttach(const v1::Container& record, Attached attached);
  // The bridge, the nftables table and the subnet element; called with mutex_ held.
  Status EnsureNetworkPlumbing(const v1::Network& network);
  // Rewrites /etc/hosts of every attached container on `network`; with mutex_ held.
  void RefreshHosts(const std::string& network);
  void UnpublishLocked(const std::string& container_id, const std::vector<PortRule>& ports);

  NetworkServiceConfig config_;
  NetworkRecords records_;
  CniPluginExec cni_exec_;
  CniResultCache cni_cache_;
  NftTable nft_;
  PortTable ports_;
  std::mutex mutex_;
  std::map<std::string, v1::Network> networks_;   // by name
  std::map<std::string, AddressLease> leases_;    // by container id
  std::map<std::string, Attached> attached_;      // by container id, while running
  std::set<std::string> plumbed_;                 // networks whose bridge is up
};

}  // namespace boxcar
