#include "cli/docker_container_view.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "cli/container_filters.h"  // StateName, HealthName: Docker's words
#include "cli/docker_network_settings.h"
#include "cli/json_builder.h"

namespace boxcar::cli {

namespace {

using rapidjson::Value;

constexpr uint64_t kDockerDefaultShmBytes = 64ull << 20;
// Docker's name of the overlay driver Boxcar's snapshots are.
constexpr const char* kDockerStorageDriver = "overlay2";

std::string RestartPolicyName(v1::RestartPolicy::Mode mode) {
  switch (mode) {
    case v1::RestartPolicy::MODE_ON_FAILURE:
      return "on-failure";
    case v1::RestartPolicy::MODE_ALWAYS:
      return "always";
    default:
      return "no";
  }
}

// "80/tcp": Docker's key of a port.
std::string PortKey(const v1::PortMapping& port) {
  return std::to_string(port.container_port()) + "/" +
         (port.protocol().empty() ? "tcp" : port.protocol());
}

std::string HostPortText(uint32_t port) { return port == 0 ? "" : std::to_string(port); }

}  // namespace

// (cli/docker_network_settings.h)
Value PortMapOf(const google::protobuf::RepeatedPtrField<v1::PortMapping>& ports,
                const std::set<std::string>& unbound, const std::string& any_address,
                JsonBuilder& json) {
  std::map<std::string, std::vector<const v1::PortMapping*>> bound;
  for (const auto& port : ports) bound[PortKey(port)].push_back(&port);
  for (const auto& key : unbound) bound.try_emplace(key);
  Value map = JsonBuilder::Object();
  for (const auto& [key, bindings] : bound) {
    if (bindings.empty()) {
      json.Put(map, key, JsonBuilder::Null());
      continue;
    }
    Value list = JsonBuilder::Array();
    for (const v1::PortMapping* port : bindings) {
      Value binding = JsonBuilder::Object();
      json.Add(binding, "HostIp",
               json.Text(port->host_ip().empty() ? any_address : port->host_ip()));
      json.Add(binding, "HostPort", json.Text(HostPortText(port->host_port())));
      json.Push(list, std::move(binding));
    }
    json.Put(map, key, std::move(list));
  }
  return map;
}

namespace {

Value StateOf(const v1::Container& container, JsonBuilder& json) {
  const v1::ContainerState state = container.state();
  Value out = JsonBuilder::Object();
  json.Add(out, "Status", json.Text(StateName(state)));
  json.Add(out, "Running",
           JsonBuilder::Bool(state == v1::CONTAINER_STATE_RUNNING ||
                             state == v1::CONTAINER_STATE_PAUSED));
  json.Add(out, "Paused", JsonBuilder::Bool(state == v1::CONTAINER_STATE_PAUSED));
  json.Add(out, "Restarting", JsonBuilder::Bool(false));
  json.Add(out, "OOMKilled", JsonBuilder::Bool(container.oom_killed()));
  json.Add(out, "Dead", JsonBuilder::Bool(false));
  json.Add(out, "Pid", JsonBuilder::Int(container.pid()));
  json.Add(out, "ExitCode", JsonBuilder::Int(container.exit_code()));
  json.Add(out, "Error", json.Text(""));
  json.Add(out, "StartedAt", json.Text(DockerTime(container.started_unix_ns())));
  json.Add(out, "FinishedAt", json.Text(DockerTime(container.finished_unix_ns())));
  // Docker has State.Health once a container with a health check has started, else no key.
  if (container.health().status() != v1::HEALTH_STATUS_NONE) {
    const v1::ContainerHealth& health = container.health();
    Value out_health = JsonBuilder::Object();
    json.Add(out_health, "Status", json.Text(HealthName(health.status())));
    json.Add(out_health, "FailingStreak", JsonBuilder::Int(health.failing_streak()));
    Value log = JsonBuilder::Array();
    for (const auto& probe : health.log()) {
      Value entry = JsonBuilder::Object();
      json.Add(entry, "Start", json.Text(DockerTime(probe.start_unix_ns())));
      json.Add(entry, "End", json.Text(DockerTime(probe.end_unix_ns())));
      json.Add(entry, "ExitCode", JsonBuilder::Int(probe.exit_code()));
      json.Add(entry, "Output", json.Text(probe.output()));
      json.Push(log, std::move(entry));
    }
    json.Add(out_health, "Log", std::move(log));
    json.Add(out, "Health", std::move(out_health));
  }
  return out;
}

Value DeviceRatesOf(const v1::ResourceLimits& limits,
                    uint64_t (v1::BlockDeviceLimit::*rate)() const, JsonBuilder& json) {
  Value list = JsonBuilder::Array();
  for (const auto& device : limits.block_devices()) {
    if ((device.*rate)() == 0) continue;
    Value entry = JsonBuilder::Object();
    json.Add(entry, "Path", json.Text(device.device()));
    json.Add(entry, "Rate", JsonBuilder::Int(static_cast<int64_t>((device.*rate)())));
    json.Push(list, std::move(entry));
  }
  if (list.Empty()) return JsonBuilder::Null();
  return list;
}

// `-v` strings of the binds and named volumes, as Docker keeps them in HostConfig.Binds.
std::vector<std::string> BindsOf(const v1::ContainerSpec& spec) {
  std::vector<std::string> binds;
  for (const auto& mount : spec.mounts()) {
    if (mount.type() == v1::Mount::TYPE_TMPFS || mount.anonymous()) continue;
    binds.push_back(mount.source() + ":" + mount.target() + (mount.read_only() ? ":ro" : ""));
  }
  return binds;
}

Value HostConfigOf(const v1::Container& container, JsonBuilder& json) {
  const v1::ContainerSpec& spec = container.spec();
  const v1::ResourceLimits& limits = spec.limits();
  Value out = JsonBuilder::Object();
  json.Add(out, "Binds", json.TextList(BindsOf(spec), true));
  json.Add(out, "LogConfig", [&] {
    Value log = JsonBuilder::Object();
    json.Add(log, "Type", json.Text(spec.log_driver()));
    json.Add(log, "Config", json.TextMap({spec.log_options().begin(), spec.log_options().end()}));
    return log;
  }());
  json.Add(out, "NetworkMode", json.Text(spec.network().mode()));
  json.Add(out, "PortBindings", PortMapOf(spec.network().ports(), {}, "", json));
  json.Add(out, "RestartPolicy", [&] {
    Value policy = JsonBuilder::Object();
    json.Add(policy, "Name", json.Text(RestartPolicyName(spec.restart_policy().mode())));
    json.Add(policy, "MaximumRetryCount", JsonBuilder::Int(spec.restart_policy().max_retries()));
    return policy;
  }());
  json.Add(out, "AutoRemove", JsonBuilder::Bool(spec.auto_remove()));
  json.Add(out, "VolumesFrom", json.TextList(spec.volumes_from(), true));
  json.Add(out, "CapAdd", json.TextList(spec.cap_add(), true));
  json.Add(out, "CapDrop", json.TextList(spec.cap_drop(), true));
  json.Add(out, "Dns", json.TextList(spec.network().dns(), false));
  json.Add(out, "DnsOptions", json.TextList(spec.network().dns_options(), false));
  json.Add(out, "DnsSearch", json.TextList(spec.network().dns_search(), false));
  json.Add(out, "ExtraHosts", json.TextList(spec.network().extra_hosts(), true));
  json.Add(out, "GroupAdd", json.TextList(spec.group_add(), true));
  json.Add(out, "IpcMode", json.Text(spec.ipc_mode().empty() ? "private" : spec.ipc_mode()));
  json.Add(out, "OomScoreAdj", JsonBuilder::Int(spec.oom_score_adj()));
  json.Add(out, "PidMode", json.Text(spec.pid_mode()));
  json.Add(out, "Privileged", JsonBuilder::Bool(spec.privileged()));
  json.Add(out, "ReadonlyRootfs", JsonBuilder::Bool(spec.read_only_rootfs()));
  json.Add(out, "SecurityOpt", json.TextList(spec.security_opt(), true));
  if (std::any_of(spec.mounts().begin(), spec.mounts().end(),
                  [](const v1::Mount& mount) { return mount.type() == v1::Mount::TYPE_TMPFS; })) {
    Value tmpfs = JsonBuilder::Object();
    for (const auto& mount : spec.mounts()) {
      if (mount.type() != v1::Mount::TYPE_TMPFS) continue;
      std::vector<std::string> options;
      if (mount.read_only()) options.push_back("ro");
      if (mount.tmpfs_size_bytes() != 0)
        options.push_back("size=" + std::to_string(mount.tmpfs_size_bytes()));
      if (mount.tmpfs_mode() != 0) {
        char mode[32];
        std::snprintf(mode, sizeof mode, "mode=%o", mount.tmpfs_mode());
        options.push_back(mode);
      }
      std::string joined;
      for (const auto& option : options) joined += (joined.empty() ? "" : ",") + option;
      json.Put(tmpfs, mount.target(), json.Text(joined));
    }
    json.Add(out, "Tmpfs", std::move(tmpfs));
  }
  json.Add(out, "UTSMode", json.Text(spec.uts_mode()));
  json.Add(out, "UsernsMode", json.Text(""));
  json.Add(out, "ShmSize",
           JsonBuilder::Int(static_cast<int64_t>(
               spec.shm_size_bytes() != 0 ? spec.shm_size_bytes() : kDockerDefaultShmBytes)));
  if (!spec.sysctls().empty()) {
    json.Add(out, "Sysctls", json.TextMap({spec.sysctls().begin(), spec.sysctls().end()}));
  }
  json.Add(out, "CpuShares", JsonBuilder::Int(static_cast<int64_t>(limits.cpu_shares())));
  json.Add(out, "Memory", JsonBuilder::Int(static_cast<int64_t>(limits.memory_bytes())));
  json.Add(out, "NanoCpus", JsonBuilder::Int(static_cast<int64_t>(limits.cpu_millis()) * 1000000));
  json.Add(out, "BlkioWeight", JsonBuilder::Int(limits.blkio_weight()));
  json.Add(out, "BlkioDeviceReadBps", DeviceRatesOf(limits, &v1::BlockDeviceLimit::read_bps, json));
  json.Add(out, "BlkioDeviceWriteBps",
           DeviceRatesOf(limits, &v1::BlockDeviceLimit::write_bps, json));
  json.Add(out, "BlkioDeviceReadIOps",
           DeviceRatesOf(limits, &v1::BlockDeviceLimit::read_iops, json));
  json.Add(out, "BlkioDeviceWriteIOps",
           DeviceRatesOf(limits, &v1::BlockDeviceLimit::write_iops, json));
  json.Add(out, "CpuPeriod", JsonBuilder::Int(static_cast<int64_t>(limits.cpu_period_us())));
  json.Add(out, "CpuQuota", JsonBuilder::Int(limits.cpu_quota_us()));
  json.Add(out, "CpusetCpus", json.Text(limits.cpuset_cpus()));
  json.Add(out, "CpusetMems", json.Text(limits.cpuset_mems()));
  json.Add(out, "Devices", [&] {
    Value devices = JsonBuilder::Array();
    for (const auto& device : spec.devices()) {
      Value entry = JsonBuilder::Object();
      json.Add(entry, "PathOnHost", json.Text(device.host_path()));
      json.Add(entry, "PathInContainer",
               json.Text(device.container_path().empty() ? device.host_path()
                                                         : device.container_path()));
      json.Add(entry, "CgroupPermissions",
               json.Text(device.permissions().empty() ? "rwm" : device.permissions()));
      json.Push(devices, std::move(entry));
    }
    return devices;
  }());
  json.Add(out, "MemoryReservation",
           JsonBuilder::Int(static_cast<int64_t>(limits.memory_reservation_bytes())));
  // 0 with a memory limit: a record from before Create filled in Docker's default (no swap).
  json.Add(out, "MemorySwap",
           JsonBuilder::Int(limits.memory_swap_bytes() != 0
                                ? limits.memory_swap_bytes()
                                : static_cast<int64_t>(limits.memory_bytes())));
  json.Add(out, "MemorySwappiness",
           limits.has_memory_swappiness() ? JsonBuilder::Int(limits.memory_swappiness())
                                          : JsonBuilder::Null());
  json.Add(out, "OomKillDisable", JsonBuilder::Bool(spec.oom_kill_disable()));
  json.Add(out, "PidsLimit",
           limits.pids_max() != 0 ? JsonBuilder::Int(static_cast<int64_t>(limits.pids_max()))
                                  : JsonBuilder::Null());
  json.Add(out, "Ulimits", [&] {
    if (spec.rlimits().empty()) return JsonBuilder::Null();
    Value ulimits = JsonBuilder::Array();
    for (const auto& rlimit : spec.rlimits()) {
      Value entry = JsonBuilder::Object();
      json.Add(entry, "Name", json.Text(rlimit.name()));
      json.Add(entry, "Hard", JsonBuilder::Int(static_cast<int64_t>(rlimit.hard())));
      json.Add(entry, "Soft", JsonBuilder::Int(static_cast<int64_t>(rlimit.soft())));
      json.Push(ulimits, std::move(entry));
    }
    return ulimits;
  }());
  json.Add(out, "Init", spec.has_init() ? JsonBuilder::Bool(spec.init()) : JsonBuilder::Null());
  return out;
}

// Docker's nanosecond durations of a health check, each only when set (Go's omitempty).
Value HealthcheckOf(const v1::HealthConfig& health, JsonBuilder& json) {
  Value out = JsonBuilder::Object();
  json.Add(out, "Test", json.TextList(health.test(), false));
  const std::pair<const char*, int64_t> durations[] = {
      {"Interval", health.interval_ns()},
      {"Timeout", health.timeout_ns()},
      {"StartPeriod", health.start_period_ns()},
      {"StartInterval", health.start_interval_ns()}};
  for (const auto& [key, nanos] : durations) {
    if (nanos != 0) json.Add(out, key, JsonBuilder::Int(nanos));
  }
  if (health.retries() != 0) json.Add(out, "Retries", JsonBuilder::Int(health.retries()));
  return out;
}

}  // namespace

// (cli/docker_network_settings.h)
std::set<std::string> ExposedPortsOf(const v1::Container& container,
                                     const DockerContainerSources& sources) {
  std::set<std::string> ports;
  if (sources.image.has_value()) {
    for (const auto& port : sources.image->config().exposed_ports()) {
      ports.insert(port.find('/') == std::string::npos ? port + "/tcp" : port);
    }
  }
  for (const auto& port : container.spec().network().ports()) ports.insert(PortKey(port));
  return ports;
}

namespace {

// Entrypoint and Cmd as Docker keeps them apart; argv is entrypoint + command (Create).
std::pair<std::vector<std::string>, std::vector<std::string>> EntrypointAndCmdOf(
    const v1::Container& container, const DockerContainerSources& sources) {
  std::vector<std::string> entrypoint(container.spec().entrypoint().begin(),
                                      container.spec().entrypoint().end());
  if (entrypoint.empty() && sources.image.has_value()) {
    entrypoint.assign(sources.image->config().entrypoint().begin(),
                      sources.image->config().entrypoint().end());
  }
  const auto& argv = container.argv();
  const bool prefix = static_cast<size_t>(argv.size()) >= entrypoint.size() &&
                      std::equal(entrypoint.begin(), entrypoint.end(), argv.begin());
  if (!prefix) entrypoint.clear();
  return {entrypoint, {argv.begin() + static_cast<int>(entrypoint.size()), argv.end()}};
}

Value ConfigOf(const v1::Container& container, const DockerContainerSources& sources,
               JsonBuilder& json) {
  const v1::ContainerSpec& spec = container.spec();
  Value out = JsonBuilder::Object();
  json.Add(out, "Hostname", json.Text(spec.hostname()));
  json.Add(out, "Domainname", json.Text(""));
  json.Add(out, "User", json.Text(spec.user()));
  json.Add(out, "AttachStdin", JsonBuilder::Bool(false));
  json.Add(out, "AttachStdout", JsonBuilder::Bool(false));
  json.Add(out, "AttachStderr", JsonBuilder::Bool(false));
  const std::set<std::string> exposed = ExposedPortsOf(container, sources);
  if (!exposed.empty()) {
    Value ports = JsonBuilder::Object();
    for (const auto& port : exposed) json.Put(ports, port, JsonBuilder::Object());
    json.Add(out, "ExposedPorts", std::move(ports));
  }
  json.Add(out, "Tty", JsonBuilder::Bool(spec.tty()));
  json.Add(out, "OpenStdin", JsonBuilder::Bool(spec.stdin_open()));
  json.Add(out, "StdinOnce", JsonBuilder::Bool(false));
  json.Add(out, "Env", json.TextList(spec.env(), true));
  auto [entrypoint, cmd] = EntrypointAndCmdOf(container, sources);
  json.Add(out, "Cmd", json.TextList(cmd, true));
  if (spec.has_healthcheck() && !spec.healthcheck().test().empty()) {
    json.Add(out, "Healthcheck", HealthcheckOf(spec.healthcheck(), json));
  }
  json.Add(out, "Image", json.Text(spec.image()));
  if (sources.image.has_value() && !sources.image->config().volumes().empty()) {
    Value volumes = JsonBuilder::Object();
    for (const auto& path : sources.image->config().volumes()) {
      json.Put(volumes, path, JsonBuilder::Object());
    }
    json.Add(out, "Volumes", std::move(volumes));
  } else {
    json.Add(out, "Volumes", JsonBuilder::Null());
  }
  json.Add(out, "WorkingDir", json.Text(spec.working_dir()));
  json.Add(out, "Entrypoint", json.TextList(entrypoint, true));
  // As Docker's, the image's labels with the container's own over them.
  std::map<std::string, std::string> labels;
  if (sources.image.has_value()) {
    labels.insert(sources.image->config().labels().begin(), sources.image->config().labels().end());
  }
  for (const auto& [key, text] : spec.labels()) labels[key] = text;
  json.Add(out, "Labels", json.TextMap(labels));
  if (!spec.stop_signal().empty()) json.Add(out, "StopSignal", json.Text(spec.stop_signal()));
  if (spec.has_stop_timeout_seconds()) {
    json.Add(out, "StopTimeout", JsonBuilder::Int(spec.stop_timeout_seconds()));
  }
  return out;
}

// overlay2's keys for Boxcar's overlay snapshot: the directories Start mounts (Inspect's
// storage); an agent from before them leaves Data null, as Docker's for a driver without any.
Value GraphDriverOf(const v1::Container& container, JsonBuilder& json) {
  const v1::Container::Storage& storage = container.storage();
  Value out = JsonBuilder::Object();
  json.Add(out, "Data", [&] {
    if (storage.upper_dir().empty()) return JsonBuilder::Null();
    Value data = JsonBuilder::Object();
    std::string lower;
    for (const auto& dir : storage.lower_dirs()) lower += (lower.empty() ? "" : ":") + dir;
    if (!lower.empty()) json.Add(data, "LowerDir", json.Text(lower));
    json.Add(data, "MergedDir", json.Text(storage.merged_dir()));
    json.Add(data, "UpperDir", json.Text(storage.upper_dir()));
    json.Add(data, "WorkDir", json.Text(storage.work_dir()));
    return data;
  }());
  json.Add(out, "Name", json.Text(kDockerStorageDriver));
  return out;
}

Value MountsOf(const v1::Container& container, const DockerContainerSources& sources,
               JsonBuilder& json) {
  Value mounts = JsonBuilder::Array();
  for (const auto& mount : container.spec().mounts()) {
    Value out = JsonBuilder::Object();
    switch (mount.type()) {
      case v1::Mount::TYPE_VOLUME: {
        json.Add(out, "Type", json.Text("volume"));
        json.Add(out, "Name", json.Text(mount.source()));
        auto where = sources.volume_mountpoints.find(mount.source());
        json.Add(out, "Source",
                 json.Text(where == sources.volume_mountpoints.end() ? "" : where->second));
        json.Add(out, "Destination", json.Text(mount.target()));
        json.Add(out, "Driver", json.Text("local"));
        json.Add(out, "Mode", json.Text(mount.read_only() ? "ro" : "z"));
        json.Add(out, "RW", JsonBuilder::Bool(!mount.read_only()));
        json.Add(out, "Propagation", json.Text(""));
        break;
      }
      case v1::Mount::TYPE_TMPFS:
        json.Add(out, "Type", json.Text("tmpfs"));
        json.Add(out, "Source", json.Text(""));
        json.Add(out, "Destination", json.Text(mount.target()));
        json.Add(out, "Mode", json.Text(""));
        json.Add(out, "RW", JsonBuilder::Bool(!mount.read_only()));
        json.Add(out, "Propagation", json.Text(""));
        break;
      default:
        json.Add(out, "Type", json.Text("bind"));
        json.Add(out, "Source", json.Text(mount.source()));
        json.Add(out, "Destination", json.Text(mount.target()));
        json.Add(out, "Mode", json.Text(mount.read_only() ? "ro" : ""));
        json.Add(out, "RW", JsonBuilder::Bool(!mount.read_only()));
        json.Add(out, "Propagation", json.Text("rprivate"));
        break;
    }
    json.Push(mounts, std::move(out));
  }
  return mounts;
}

}  // namespace

DockerView DockerContainerView(const v1::Container& container,
                               const DockerContainerSources& sources) {
  DockerView view;
  JsonBuilder json(view.json);
  Value& out = view.json;
  json.Add(out, "Id", json.Text(container.id()));
  json.Add(out, "Created", json.Text(DockerTime(container.created_unix_ns())));
  json.Add(out, "Path", json.Text(container.argv().empty() ? "" : container.argv(0)));
  json.Add(out, "Args", [&] {
    Value args = JsonBuilder::Array();
    for (int i = 1; i < container.argv_size(); ++i) json.Push(args, json.Text(container.argv(i)));
    return args;
  }());
  json.Add(out, "State", StateOf(container, json));
  json.Add(out, "Image", json.Text(container.image_id()));
  json.Add(out, "ResolvConfPath", json.Text(container.resolv_conf_path()));
  json.Add(out, "HostnamePath", json.Text(container.hostname_path()));
  json.Add(out, "HostsPath", json.Text(container.hosts_path()));
  json.Add(out, "LogPath", json.Text(container.log_path()));
  json.Add(out, "Name", json.Text("/" + container.name()));
  json.Add(out, "RestartCount", JsonBuilder::Int(container.restart_count()));
  json.Add(out, "Driver", json.Text(kDockerStorageDriver));
  json.Add(out, "Platform", json.Text("linux"));
  // No SELinux labels; an AppArmor profile only as --security-opt apparmor=unconfined names
  // one (Boxcar loads none).
  json.Add(out, "MountLabel", json.Text(""));
  json.Add(out, "ProcessLabel", json.Text(""));
  const auto& options = container.spec().security_opt();
  json.Add(
      out, "AppArmorProfile",
      json.Text(std::find(options.begin(), options.end(), "apparmor=unconfined") != options.end()
                    ? "unconfined"
                    : ""));
  json.Add(out, "ExecIDs", JsonBuilder::Null());
  json.Add(out, "HostConfig", HostConfigOf(container, json));
  json.Add(out, "GraphDriver", GraphDriverOf(container, json));
  // Only asked for (inspect --size), as Docker's omitempty pointers.
  if (sources.size_rw_bytes) json.Add(out, "SizeRw", JsonBuilder::Int(*sources.size_rw_bytes));
  if (sources.size_root_fs_bytes) {
    json.Add(out, "SizeRootFs", JsonBuilder::Int(*sources.size_root_fs_bytes));
  }
  json.Add(out, "Mounts", MountsOf(container, sources, json));
  json.Add(out, "Config", ConfigOf(container, sources, json));
  json.Add(out, "NetworkSettings", DockerNetworkSettings(container, sources, json));
  view.map_paths = {".Config.Labels",
                    ".Config.ExposedPorts",
                    ".Config.Volumes",
                    ".HostConfig.PortBindings",
                    ".HostConfig.Tmpfs",
                    ".HostConfig.Sysctls",
                    ".HostConfig.LogConfig.Config",
                    ".GraphDriver.Data",
                    ".NetworkSettings.Ports",
                    ".NetworkSettings.Networks",
                    ".NetworkSettings.Networks.*.DriverOpts"};
  view.list_paths = {".Args",
                     ".HostConfig.Binds",
                     ".HostConfig.VolumesFrom",
                     ".HostConfig.CapAdd",
                     ".HostConfig.CapDrop",
                     ".HostConfig.ExtraHosts",
                     ".HostConfig.GroupAdd",
                     ".HostConfig.SecurityOpt",
                     ".HostConfig.Ulimits",
                     ".HostConfig.BlkioDeviceReadBps",
                     ".HostConfig.BlkioDeviceWriteBps",
                     ".HostConfig.BlkioDeviceReadIOps",
                     ".HostConfig.BlkioDeviceWriteIOps",
                     ".Config.Env",
                     ".Config.Cmd",
                     ".Config.Entrypoint",
                     ".ExecIDs",
                     ".NetworkSettings.Networks.*.Aliases",
                     ".NetworkSettings.Networks.*.Links",
                     ".NetworkSettings.Networks.*.DNSNames",
                     ".NetworkSettings.SecondaryIPAddresses",
                     ".NetworkSettings.SecondaryIPv6Addresses",
                     ".NetworkSettings.Ports.*"};
  return view;
}

}  // namespace boxcar::cli
