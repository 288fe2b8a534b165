#include "daemon/agent_config.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>

#include "net/subnet_allocator.h"

namespace boxcar {

namespace {

std::string DirectoryOfExecutable() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string executable(path, static_cast<size_t>(n));
  return executable.substr(0, executable.rfind('/'));
}

}  // namespace

StatusOr<AgentConfig> AgentConfig::FromCommandLine(int argc, char** argv, int* exit_code) {
  AgentConfig config;
  CLI::App app{"boxcard: the Boxcar container agent"};
  app.set_config("--config", "", "Config file (key = value lines, same names as the flags)");
  app.add_option("--root", config.root_dir, "State directory (images, containers, database)")
      ->capture_default_str();
  app.add_option("--socket", config.socket_path, "gRPC unix socket to listen on")
      ->capture_default_str();
  app.add_option("--default-backend", config.default_backend,
                 "Backend for containers that name none")
      ->capture_default_str();
  app.add_option("--cgroup-parent", config.cgroup_parent, "Parent cgroup of every container")
      ->capture_default_str();
  app.add_option("--shim-path", config.shim_path,
                 "boxcar-shim executable (default: next to boxcard)");
  app.add_option("--lxc-shim-path", config.lxc_shim_path,
                 "boxcar-lxc-shim executable (default: next to boxcar-shim)");
  app.add_option("--libvirt-uri", config.libvirt_uri,
                 "libvirtd connection of the libvirt backend (e.g. lxc:///system?socket=PATH)")
      ->capture_default_str();
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_option(
         "--prewarm", config.prewarm,
         "Helpers of the default backend kept started inside cgroup slots (v1/hybrid hosts), "
         "so a start skips the slow cgroup migration; a burst of starts that asked for more "
         "raises it (up to 128, halved back after each idle 5 minutes); 0 disables")
      ->capture_default_str();
  app.add_option("--userns-range", config.userns_range,
                 "Host ids FIRST:COUNT for containers run with --userns; each gets a block of "
                 "its own (65536 ids by default). Choose ids no host user has (/etc/subuid)");
  app.add_option("--default-network", config.default_network,
                 "Network of containers run without --network: none, host or a network name "
                 "(boxcar0 is created at its first use)")
      ->capture_default_str();
  app.add_option("--cni-path", config.cni_path,
                 "Directories of CNI plugins for networks created with a conflist, ':'-separated "
                 "(Debian's containernetworking-plugins: /usr/lib/cni)")
      ->capture_default_str();
  app.add_option("--default-address-pool,--default-address-pools", config.default_address_pools,
                 "Where a bridge network created without --subnet gets one: base=CIDR,size=N, "
                 "the first subnet of that size no network, route or address of the host "
                 "overlaps (repeat, in order; default: Docker's, 172.17-31.0.0/16 and "
                 "192.168.0.0/16 as /20s)");
  app.add_option("--log-driver", config.log_driver,
                 "Log driver of containers created without --log-driver: local (the output log, "
                 "rotated by size) or none")
      ->capture_default_str();
  app.add_option("--log-opt", config.log_opts,
                 "Log option of containers created without it: max-size=SIZE (per file; -1: no "
                 "bound) or max-file=N (repeat; default max-size=20m, max-file=5)");
  app.add_flag("--init", config.default_init,
               "Run containers that do not say otherwise (run --init=false) with an init as PID 1 "
               "that reaps orphans and forwards signals");
  app.add_option("--init-path", config.init_path,
                 "The init binary of containers run with --init, bound at /sbin/docker-init "
                 "(Debian's tini package)")
      ->capture_default_str();
  app.add_option("--max-layer-bytes", config.max_layer_bytes,
                 "Refuse layers that unpack to more than this many bytes (0: no limit)");
  app.add_option("--insecure-registry", config.insecure_registries,
                 "A registry host[:port] that may be spoken to over plain HTTP when HTTPS fails "
                 "(repeat; loopback hosts always may)");
  app.add_option("--pull-parallel-layers", config.pull_parallel_layers,
                 "Layers a registry pull fetches at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  app.add_option("--push-chunk-bytes", config.push_chunk_bytes,
                 "A registry push uploads blobs larger than this in chunks of this size")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1} << 16, uint64_t{1} << 32));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    *exit_code = error.get_exit_code();
    std::string text =
        error.get_exit_code() == 0 ? app.help() : std::string(error.what()) + "\n" + app.help();
    return InvalidArgument(text);
  }
  if (config.shim_path.empty()) config.shim_path = DirectoryOfExecutable() + "/boxcar-shim";
  if (config.lxc_shim_path.empty()) {
    config.lxc_shim_path =
        config.shim_path.substr(0, config.shim_path.rfind('/') + 1) + "boxcar-lxc-shim";
  }
  *exit_code = 0;
  return config;
}

Status AgentConfig::Validate() const {
  if (root_dir.empty() || root_dir[0] != '/')
    return InvalidArgument("--root must be an absolute path");
  if (socket_path.empty() || socket_path[0] != '/')
    return InvalidArgument("--socket must be an absolute path");
  if (socket_path.size() >= 108)
    return InvalidArgument("--socket path is longer than a unix socket allows (107)");
  if (cgroup_parent.empty() || cgroup_parent[0] == '/' ||
      cgroup_parent.find("..") != std::string::npos) {
    return InvalidArgument("--cgroup-parent must be a relative path without '..'");
  }
  for (const auto& pool : default_address_pools) {
    RETURN_IF_ERROR(ParseAddressPool(pool, "--default-address-pool").status());
  }
  RETURN_IF_ERROR(LogDefaults().status());
  if (init_path.empty() || init_path[0] != '/')
    return InvalidArgument("--init-path must be an absolute path");
  if (default_init) RETURN_IF_ERROR(CheckInitBinary(init_path, "--init"));
  return UsernsRange().status();
}

StatusOr<ContainerLogDefaults> AgentConfig::LogDefaults() const {
  ContainerLogDefaults defaults;
  RETURN_IF_ERROR(ValidateLogDriver(log_driver, "--log-driver"));
  defaults.driver = log_driver.empty() ? kLogDriverLocal : log_driver;
  for (const auto& option : log_opts) {
    const size_t equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      return InvalidArgument("--log-opt '" + option + "' is not KEY=VALUE (e.g. max-size=10m)");
    }
    const std::string key = option.substr(0, equals);
    const std::string value = option.substr(equals + 1);
    RETURN_IF_ERROR(ValidateLogOption(key, value, "--log-opt " + key));
    defaults.options[key] = value;
  }
  return defaults;
}

StatusOr<AgentConfig::IdRange> AgentConfig::UsernsRange() const {
  IdRange range;
  if (userns_range.empty()) return range;
  // Host root (0) is never mapped; the block ends below the invalid id 2^32 - 1.
  unsigned long long first = 0, count = 0;
  char rest = 0;
  if (userns_range.find_first_not_of("0123456789:") != std::string::npos ||
      std::sscanf(userns_range.c_str(), "%llu:%llu%c", &first, &count, &rest) != 2 || first == 0 ||
      count == 0 || first + count > 0xffffffffull) {
    return InvalidArgument("--userns-range '" + userns_range +
                           "' is not FIRST:COUNT with 0 < FIRST and FIRST + COUNT < 2^32 "
                           "(e.g. 100000:655360)");
  }
  range.first = static_cast<uint32_t>(first);
  range.count = static_cast<uint32_t>(count);
  return range;
}

}  // namespace boxcar
