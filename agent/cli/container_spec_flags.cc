#include "cli/container_spec_flags.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "cli/device_flag.h"
#include "cli/env_file.h"
#include "cli/human_format.h"
#include "cli/mount_flags.h"
#include "cli/payload_words.h"
#include "cli/publish_flag.h"
#include "cli/restart_policy_flag.h"
#include "cli/security_opt_flag.h"
#include "cli/sysctl_flags.h"

namespace boxcar::cli {

void AddContainerSpecFlags(CLI::App* command, ContainerSpecFlags& options) {
  command->add_option("--name", options.name, "Container name");
  command
      ->add_option("--env-file", options.env_files,
                   "Read environment KEY=value lines from a file (repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("-e,--env", options.env, "Environment KEY=value (repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("-w,--workdir", options.working_dir,
                      "Working directory inside the container");
  command->add_option("-u,--user", options.user, "user, uid, uid:gid or user:group");
  command
      ->add_option("--group-add", options.group_add,
                   "Another supplementary group (a name in the image's /etc/group, or a gid) of "
                   "the payload and of every exec (repeat the flag)")
      ->allow_extra_args(false);
  // -h is --hostname, as Docker's; help is --help only.
  command->set_help_flag("--help", "Print this help message and exit");
  command->add_option("-h,--hostname", options.hostname, "Hostname inside the container");
  command->add_option("-m,--memory", options.memory, "Memory limit (e.g. 64m, 1g)");
  command->add_option("--cpus", options.cpus, "CPU limit (e.g. 0.5, 2)");
  command->add_option("--pids-limit", options.pids_limit,
                      "Maximum number of processes (-1 or 0: no limit)");
  command->add_option("-c,--cpu-shares", options.cpu_shares,
                      "Relative CPU weight, 2-262144 (default 1024)");
  command->add_option("--cpuset-cpus", options.cpuset_cpus,
                      "CPUs the container may use, e.g. 0, 0-1 or 0,2");
  command->add_option("--cpuset-mems", options.cpuset_mems,
                      "Memory (NUMA) nodes the container may use, e.g. 0 or 0-1");
  AddResourceTuningFlags(command, options.tuning);
  command->add_option("--backend", options.backend, "Backend: chroot, lxc, ... (see boxcar info)");
  command->add_option("--entrypoint", options.entrypoint, "Replace the image's entrypoint");
  command->add_option("--ulimit", options.ulimits, "rlimit name=soft[:hard], e.g. nofile=1024:2048")
      ->allow_extra_args(false);
  command
      ->add_option("--device-read-bps", options.device_read_bps,
                   "Read bandwidth from a disk, DEVICE:RATE, e.g. /dev/vda:10m")
      ->allow_extra_args(false);
  command
      ->add_option("--device-write-bps", options.device_write_bps,
                   "Write bandwidth to a disk, DEVICE:RATE, e.g. /dev/vda:10m")
      ->allow_extra_args(false);
  command
      ->add_option("--device-read-iops", options.device_read_iops,
                   "Read operations per second from a disk, DEVICE:COUNT, e.g. /dev/vda:1000")
      ->allow_extra_args(false);
  command
      ->add_option("--device-write-iops", options.device_write_iops,
                   "Write operations per second to a disk, DEVICE:COUNT, e.g. /dev/vda:1000")
      ->allow_extra_args(false);
  command->add_option("--restart", options.restart, "Restart policy: no, on-failure[:N] or always");
  command->add_flag("--userns", options.userns,
                    "Own user namespace: root inside is an unprivileged uid of the agent's "
                    "--userns-range on the host");
  command->add_option("--network,--net", options.network,
                      "none, host, a network name (boxcar network ls) or container:NAME (that "
                      "running container's network namespace); the agent's default when not "
                      "given");
  command->add_option("--pid", options.pid_mode,
                      "PID namespace: host or container:NAME (default: its own)");
  command->add_option("--ipc", options.ipc_mode,
                      "IPC namespace: private (default), shareable (others may join it), host "
                      "or container:NAME (a shareable one)");
  command->add_option("--uts", options.uts_mode, "UTS namespace: host (default: its own)");
  command->add_option("--ip", options.ip, "IPv4 address on the network");
  command->add_option("--mac-address", options.mac_address, "MAC address of eth0");
  command->add_option("--dns", options.dns, "Name server for /etc/resolv.conf (repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--dns-search", options.dns_search,
                   "Search domain for /etc/resolv.conf (repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--dns-option", options.dns_options,
                   "Resolver option for /etc/resolv.conf, e.g. ndots:2 (repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--add-host", options.add_hosts, "Add NAME:IP to /etc/hosts (repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--network-alias,--net-alias", options.network_aliases,
                   "Another name of the container on its network, in the hosts files of the "
                   "network's containers (repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("-p,--publish", options.publish,
                      "Publish [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp] (repeat the flag)")
      ->allow_extra_args(false);
  command->add_flag("-P,--publish-all", options.publish_all,
                    "Publish the image's exposed ports on free host ports");
  command->add_option("-v,--volume", options.volumes,
                      "Mount HOST_PATH:CTR_PATH[:ro], NAME:CTR_PATH[:ro] (a volume, made when "
                      "missing) or CTR_PATH (an anonymous volume)")
      ->allow_extra_args(false);
  command->add_option("--tmpfs", options.tmpfs, "Mount a tmpfs CTR_PATH[:size=64m,mode=1777]")
      ->allow_extra_args(false);
  command
      ->add_option("--mount", options.mounts,
                   "type=bind|volume|tmpfs,source=..,target=..[,readonly][,tmpfs-size=..]")
      ->allow_extra_args(false);
  command
      ->add_option("--volumes-from", options.volumes_from,
                   "Mount the volumes and bind mounts of CONTAINER[:ro|:rw] at the same paths "
                   "(repeat the flag)")
      ->allow_extra_args(false);
  command->add_flag("--read-only", options.read_only, "Mount the root filesystem read-only");
  command
      ->add_option("--cap-add", options.cap_add,
                   "Add a capability to the default set, e.g. NET_ADMIN, or ALL (repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--cap-drop", options.cap_drop,
                   "Drop a capability from the default set, e.g. NET_RAW, or ALL (repeat the flag)")
      ->allow_extra_args(false);
  command->add_flag("--privileged", options.privileged,
                    "Every capability, no seccomp filter, /proc and /sys unmasked and writable, "
                    "the host's devices in /dev");
  command
      ->add_option("--security-opt", options.security_opts,
                   "no-new-privileges[=true|false], seccomp=unconfined|PROFILE.json, "
                   "label=disable, apparmor=unconfined (repeat the flag)")
      ->allow_extra_args(false);
  // A function, not a std::optional<bool> target: CLI11 2.1 sets such a target to false even
  // when the flag is absent, and absent must mean "the agent's default".
  command->add_flag_function(
      "--init", [&options](int64_t count) { options.init = count > 0; },
      "Run an init (tini, at /sbin/docker-init) as PID 1 that reaps orphaned processes and "
      "forwards signals; --init=false overrides the agent's default");
  AddHealthFlags(command, options.health);
  command
      ->add_option("--device", options.devices,
                   "Give the container a host device HOST_PATH[:CONTAINER_PATH[:PERMS]], PERMS "
                   "some of rwm (default rwm; repeat the flag)")
      ->allow_extra_args(false);
  command
      ->add_option("--sysctl", options.sysctls,
                   "Namespaced kernel parameter KEY=VALUE: kernel.shm*, kernel.msg*, kernel.sem, "
                   "fs.mqueue.*, net.* (not with --network host; repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("--shm-size", options.shm_size, "Size of /dev/shm, e.g. 128m (default 64m)");
  command->add_option("-l,--label", options.labels, "Label KEY=VALUE (repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("--log-driver", options.log_driver,
                      "local (the output log, rotated by size) or none (no output kept); "
                      "default: the agent's (local)");
  command
      ->add_option("--log-opt", options.log_opts,
                   "max-size=SIZE (per file, e.g. 10m; -1: no bound) or max-file=N (files "
                   "kept); default: the agent's (max-size=20m, max-file=5; repeat the flag)")
      ->allow_extra_args(false);
  command->add_flag("-i,--interactive", options.interactive,
                    "Keep stdin open (boxcar attach, start -ai and run -i write to it)");
  command->add_flag("-t,--tty", options.tty,
                    "Give the container a terminal (Ctrl-C, window size; detach: Ctrl-P Ctrl-Q)");
  // Everything from the image on (IMAGE [COMMAND [ARG...]]) belongs to the payload, options
  // included: parsing stops at the first positional and the rest lands in remaining().
  command->prefix_command();
  command->footer("Usage: IMAGE [COMMAND [ARG...]] after the options");
}

bool TakeImageAndCommand(CLI::App* command, ContainerSpecFlags& options) {
  auto words = PayloadWords(command);
  if (!words) return false;
  options.image_and_command = std::move(*words);
  if (options.image_and_command.empty()) {
    std::fprintf(stderr, "boxcar %s: an IMAGE is required (see `boxcar image ls`)\n",
                 command->get_name().c_str());
    return false;
  }
  return true;
}

Status BuildContainerSpec(const ContainerSpecFlags& options, v1::ContainerSpec* spec) {
  spec->set_image(options.image_and_command.at(0));
  for (size_t i = 1; i < options.image_and_command.size(); ++i)
    spec->add_command(options.image_and_command[i]);
  spec->set_name(options.name);
  // --env-file first, -e after it: a -e of the same name wins in the agent's merge.
  for (const auto& path : options.env_files) {
    ASSIGN_OR_RETURN(std::vector<std::string> entries, ReadEnvFile(path));
    for (auto& entry : entries) spec->add_env(std::move(entry));
  }
  for (const auto& entry : options.env) {
    // "-e KEY" passes the caller's value through, as Docker does.
    if (entry.find('=') == std::string::npos) {
      const char* value = std::getenv(entry.c_str());
      if (value) spec->add_env(entry + "=" + value);
      continue;
    }
    spec->add_env(entry);
  }
  spec->set_working_dir(options.working_dir);
  spec->set_user(options.user);
  for (const auto& group : options.group_add) spec->add_group_add(group);
  spec->set_hostname(options.hostname);
  spec->set_backend(options.backend);
  if (!options.entrypoint.empty()) spec->add_entrypoint(options.entrypoint);
  if (options.userns) spec->mutable_userns();  // the agent picks the ids
  if (!options.memory.empty()) {
    auto bytes = ParseByteSize(options.memory);
    if (!bytes) {
      return InvalidArgument("--memory '" + options.memory + "' is not a size; use e.g. 64m or 1g");
    }
    spec->mutable_limits()->set_memory_bytes(*bytes);
  }
  if (options.cpus < 0) {
    char given[32];
    std::snprintf(given, sizeof given, "%g", options.cpus);
    return InvalidArgument("--cpus '" + std::string(given) +
                           "' must be 0 (no limit) or more, e.g. 0.5 or 2");
  }
  spec->mutable_limits()->set_cpu_millis(static_cast<uint64_t>(std::llround(options.cpus * 1000)));
  if (options.pids_limit < -1) {
    return InvalidArgument("--pids-limit '" + std::to_string(options.pids_limit) +
                           "' must be -1 or 0 (no limit) or more");
  }
  if (options.cpu_shares < 0) {
    return InvalidArgument("--cpu-shares '" + std::to_string(options.cpu_shares) +
                           "' must be 2-262144, or 0 for the default");
  }
  spec->mutable_limits()->set_pids_max(
      static_cast<uint64_t>(std::max<int64_t>(options.pids_limit, 0)));
  spec->mutable_limits()->set_cpu_shares(static_cast<uint64_t>(options.cpu_shares));
  spec->mutable_limits()->set_cpuset_cpus(options.cpuset_cpus);
  spec->mutable_limits()->set_cpuset_mems(options.cpuset_mems);
  RETURN_IF_ERROR(ApplyResourceTuningFlags(options.tuning, spec));
  for (const auto& source : options.volumes_from) spec->add_volumes_from(source);
  // --device-{read,write}-{bps,iops}: one BlockDeviceLimit per device.
  enum class Rate { kReadBps, kWriteBps, kReadIops, kWriteIops };
  auto add_device_rate = [&](const std::string& flag, const std::string& value, Rate kind) {
    const bool iops = kind == Rate::kReadIops || kind == Rate::kWriteIops;
    auto colon = value.rfind(':');
    std::optional<uint64_t> rate;
    if (colon != std::string::npos) {
      const std::string text = value.substr(colon + 1);
      rate = iops ? ParseCount(text) : ParseByteSize(text);
    }
    if (!rate || colon == 0) {
      return InvalidArgument(flag + " '" + value + "' is not DEVICE:" +
                             (iops ? "COUNT; use e.g. /dev/vda:1000" : "RATE; use e.g. /dev/vda:10m"));
    }
    const std::string device = value.substr(0, colon);
    v1::BlockDeviceLimit* limit = nullptr;
    for (auto& existing : *spec->mutable_limits()->mutable_block_devices()) {
      if (existing.device() == device) limit = &existing;
    }
    if (limit == nullptr) {
      limit = spec->mutable_limits()->add_block_devices();
      limit->set_device(device);
    }
    switch (kind) {
      case Rate::kReadBps: limit->set_read_bps(*rate); break;
      case Rate::kWriteBps: limit->set_write_bps(*rate); break;
      case Rate::kReadIops: limit->set_read_iops(*rate); break;
      case Rate::kWriteIops: limit->set_write_iops(*rate); break;
    }
    return OkStatus();
  };
  const std::pair<const std::vector<std::string>*, std::pair<const char*, Rate>> rate_flags[] = {
      {&options.device_read_bps, {"--device-read-bps", Rate::kReadBps}},
      {&options.device_write_bps, {"--device-write-bps", Rate::kWriteBps}},
      {&options.device_read_iops, {"--device-read-iops", Rate::kReadIops}},
      {&options.device_write_iops, {"--device-write-iops", Rate::kWriteIops}},
  };
  for (const auto& [values, flag] : rate_flags) {
    for (const auto& value : *values) {
      RETURN_IF_ERROR(add_device_rate(flag.first, value, flag.second));
    }
  }
  if (!options.restart.empty()) {
    ASSIGN_OR_RETURN(*spec->mutable_restart_policy(), ParseRestartPolicy(options.restart));
  }
  v1::NetworkSpec* network = spec->mutable_network();
  network->set_mode(options.network);
  network->set_ip(options.ip);
  network->set_mac(options.mac_address);
  for (const auto& server : options.dns) network->add_dns(server);
  for (const auto& domain : options.dns_search) network->add_dns_search(domain);
  for (const auto& option : options.dns_options) network->add_dns_options(option);
  for (const auto& host : options.add_hosts) network->add_extra_hosts(host);
  for (const auto& alias : options.network_aliases) network->add_aliases(alias);
  for (const auto& text : options.publish) {
    ASSIGN_OR_RETURN(*network->add_ports(), ParsePublishFlag(text));
  }
  network->set_publish_all(options.publish_all);
  spec->set_pid_mode(options.pid_mode);
  spec->set_ipc_mode(options.ipc_mode);
  spec->set_uts_mode(options.uts_mode);
  for (const auto& text : options.volumes) {
    ASSIGN_OR_RETURN(*spec->add_mounts(), ParseVolumeFlag(text));
  }
  for (const auto& text : options.tmpfs) {
    ASSIGN_OR_RETURN(*spec->add_mounts(), ParseTmpfsFlag(text));
  }
  for (const auto& text : options.mounts) {
    ASSIGN_OR_RETURN(*spec->add_mounts(), ParseMountFlag(text));
  }
  spec->set_read_only_rootfs(options.read_only);
  for (const auto& name : options.cap_add) spec->add_cap_add(name);
  for (const auto& name : options.cap_drop) spec->add_cap_drop(name);
  spec->set_privileged(options.privileged);
  if (options.init) spec->set_init(*options.init);
  for (size_t i = 0; i < options.security_opts.size(); ++i) {
    ASSIGN_OR_RETURN(*spec->add_security_opt(),
                     SecurityOptForSpec(options.security_opts[i], static_cast<int>(i)));
  }
  for (const auto& text : options.devices) {
    ASSIGN_OR_RETURN(*spec->add_devices(), ParseDeviceFlag(text));
  }
  RETURN_IF_ERROR(ApplySysctlFlags(options.sysctls, options.shm_size, spec));
  spec->set_tty(options.tty);
  for (const auto& label : options.labels) {
    // "--label KEY" is an empty value, as Docker's.
    size_t equals = label.find('=');
    (*spec->mutable_labels())[label.substr(0, equals)] =
        equals == std::string::npos ? "" : label.substr(equals + 1);
  }
  spec->set_stdin_open(options.interactive);
  spec->set_log_driver(options.log_driver);
  for (const auto& option : options.log_opts) {
    const size_t equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      return InvalidArgument("--log-opt '" + option + "' is not KEY=VALUE (e.g. max-size=10m)");
    }
    (*spec->mutable_log_options())[option.substr(0, equals)] = option.substr(equals + 1);
  }
  RETURN_IF_ERROR(ApplyHealthFlags(options.health, spec));
  for (const auto& ulimit : options.ulimits) {
    auto equals = ulimit.find('=');
    if (equals == std::string::npos) {
      return InvalidArgument("--ulimit '" + ulimit + "' is not name=soft[:hard]");
    }
    auto* rlimit = spec->add_rlimits();
    rlimit->set_name(ulimit.substr(0, equals));
    std::string values = ulimit.substr(equals + 1);
    auto colon = values.find(':');
    try {
      rlimit->set_soft(std::stoull(values.substr(0, colon)));
      rlimit->set_hard(colon == std::string::npos ? rlimit->soft()
                                                  : std::stoull(values.substr(colon + 1)));
    } catch (...) {
      return InvalidArgument("--ulimit '" + ulimit + "' has a non-numeric value");
    }
  }
  return OkStatus();
}

}  // namespace boxcar::cli
