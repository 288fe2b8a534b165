// boxcard's typed configuration: flags, optionally a config file, validated once at start-up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/container_log_options.h"
#include "core/container_init_process.h"

namespace boxcar {

struct AgentConfig {
  std::string root_dir = "/var/lib/boxcar";
  std::string socket_path = "/run/boxcar/boxcard.sock";
  std::string default_backend = "chroot";
  std::string cgroup_parent = "boxcar";
  std::string shim_path;      // empty: boxcar-shim next to boxcard
  std::string lxc_shim_path;  // empty: boxcar-lxc-shim next to shim_path
  std::string libvirt_uri = "lxc:///system";  // the libvirt backend's libvirtd
  std::string log_level = "info";
  uint64_t max_layer_bytes = 0;  // 0: unlimited
  uint32_t prewarm = 4;          // prewarmed helpers of the default backend
  // --userns-range FIRST:COUNT: host ids for containers' user namespaces; empty: none.
  std::string userns_range;
  // Registry client: hosts besides loopback that may be spoken to over plain HTTP, layers
  // fetched at once by a pull, and the size above which a push uploads a blob in chunks.
  std::vector<std::string> insecure_registries;
  uint32_t pull_parallel_layers = 3;
  uint64_t push_chunk_bytes = 32ull << 20;
  // --default-network: the network of a container whose spec names none. "none" keeps a host
  // free of bridges and nftables tables until someone asks for a network.
  std::string default_network = "none";
  // --cni-path: directories of CNI plugin binaries, ':'-separated, searched in order.
  std::string cni_path = "/opt/cni/bin:/usr/lib/cni";
  // --default-address-pool base=CIDR,size=N (repeat): where `network create` without
  // --subnet finds one, in order; empty: Docker's defaults (net/subnet_allocator.h).
  std::vector<std::string> default_address_pools;
  // --log-driver / --log-opt KEY=VALUE: what a container created without its own gets
  // (core/container_log_options.h); as Docker's local driver, 5 files of 20 MiB.
  std::string log_driver = "local";
  std::vector<std::string> log_opts;
  // --init: containers whose spec does not say run the init (as dockerd's "init": true);
  // --init-path: the init binary bound into containers run with it (tini).
  bool default_init = false;
  std::string init_path = kDefaultInitPath;

  // Parses argv (and the file named by --config, INI/TOML "key = value"). On --help or a
  // bad flag returns a non-OK status whose message is the text to print; `exit_code` is set.
  static StatusOr<AgentConfig> FromCommandLine(int argc, char** argv, int* exit_code);
  Status Validate() const;
  // userns_range as numbers; count 0 when unset.
  struct IdRange {
    uint32_t first = 0;
    uint32_t count = 0;
  };
  StatusOr<IdRange> UsernsRange() const;
  // log_driver and log_opts over the built-in defaults.
  StatusOr<ContainerLogDefaults> LogDefaults() const;
};

}  // namespace boxcar
