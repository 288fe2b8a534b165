#include "core/container_spec_validation.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include "cgroups/cpuset.h"
#include "common/atomic_file.h"
#include "common/identifiers.h"
#include "common/signal_names.h"
#include "core/container_capabilities.h"
#include "core/container_devices.h"
#include "core/container_health_config.h"
#include "core/container_labels.h"
#include "core/container_log_options.h"
#include "core/container_mounts.h"
#include "core/container_namespace_modes.h"
#include "core/container_resource_tuning.h"
#include "core/container_security_options.h"
#include "core/container_sysctls.h"
#include "core/container_volumes_from.h"
#include "launch/launch_spec.h"

namespace boxcar {

Status ValidateAbsolutePath(const std::string& path, const std::string& field) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgument(field + ": '" + path + "' must be an absolute path");
  }
  return OkStatus();
}

Status ValidateRestartPolicy(const v1::RestartPolicy& policy, const std::string& field) {
  if (!v1::RestartPolicy::Mode_IsValid(policy.mode())) {
    return InvalidArgument(field + ".mode: unknown mode " + std::to_string(policy.mode()) +
                           " (no, on-failure or always)");
  }
  if (policy.max_retries() != 0 && policy.mode() != v1::RestartPolicy::MODE_ON_FAILURE) {
    return InvalidArgument(field + ".max_retries: only the on-failure policy takes a retry count");
  }
  return OkStatus();
}

Status ValidateLimitValues(const std::string& field, uint64_t memory_bytes, uint64_t cpu_millis,
                           uint64_t pids_max, uint64_t cpu_shares) {
  RETURN_IF_ERROR(CheckMemoryLimit(memory_bytes, field + ".memory_bytes"));
  RETURN_IF_ERROR(CheckCpuShares(cpu_shares, field + ".cpu_shares"));
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (cpu_millis != 0 &&
      (cpu_millis < kMinCpuMillis || cpu_millis > static_cast<uint64_t>(cpus) * 1000)) {
    return InvalidArgument(field + ".cpu_millis: " + std::to_string(cpu_millis) +
                           " is outside " + std::to_string(kMinCpuMillis) + ".." +
                           std::to_string(cpus * 1000) + " (this host has " +
                           std::to_string(cpus) + " CPUs)");
  }
  if (pids_max > (1ull << 22)) {
    return InvalidArgument(field + ".pids_max: " + std::to_string(pids_max) + " is too large");
  }
  return OkStatus();
}

StatusOr<std::vector<BlockDeviceThrottle>> BlockDeviceThrottles(const v1::ResourceLimits& limits,
                                                                const std::string& field) {
  std::vector<BlockDeviceThrottle> throttles;
  std::set<dev_t> seen;
  for (int i = 0; i < limits.block_devices_size(); ++i) {
    const v1::BlockDeviceLimit& limit = limits.block_devices(i);
    const std::string name = field + ".block_devices[" + std::to_string(i) + "].device";
    struct stat st;
    if (limit.device().empty() || ::stat(limit.device().c_str(), &st) != 0 ||
        !S_ISBLK(st.st_mode)) {
      return InvalidArgument(name + ": '" + limit.device() +
                             "' is not a block device on this host (see lsblk)");
    }
    const std::string id =
        std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
    if (::access(("/sys/dev/block/" + id + "/partition").c_str(), F_OK) == 0) {
      return InvalidArgument(name + ": '" + limit.device() +
                             "' is a partition; bandwidth limits apply to whole disks");
    }
    if (!seen.insert(st.st_rdev).second) {
      return InvalidArgument(name + ": '" + limit.device() + "' is given twice");
    }
    throttles.push_back({major(st.st_rdev), minor(st.st_rdev), limit.read_bps(),
                         limit.write_bps(), limit.read_iops(), limit.write_iops()});
  }
  return throttles;
}

StatusOr<Backend*> AvailableBackend(const BackendMap& backends, const std::string& name,
                                    const std::string& field) {
  if (backends.find(name) == backends.end()) {
    std::string known;
    for (const auto& [known_name, unused] : backends) {
      known += (known.empty() ? "" : ", ") + known_name;
    }
    return InvalidArgument(field + ": unknown backend '" + name + "' (known: " + known + ")");
  }
  ASSIGN_OR_RETURN(Backend * backend, RequireCapability(backends, name, std::nullopt, field));
  if (Status available = backend->CheckAvailable(); !available.ok()) {
    return FailedPrecondition(field + ": backend '" + name +
                              "' is unavailable: " + available.message());
  }
  return backend;
}

Status ValidateContainerSpec(const v1::ContainerSpec& spec, const BackendMap& backends,
                             const std::string& default_backend, const HostIdRange& userns_range) {
  if (spec.image().empty())
    return InvalidArgument("spec.image: an image reference or id is required");
  if (!spec.name().empty()) RETURN_IF_ERROR(ValidateContainerName(spec.name(), "spec.name"));
  if (!spec.working_dir().empty()) {
    RETURN_IF_ERROR(ValidateAbsolutePath(spec.working_dir(), "spec.working_dir"));
  }
  RETURN_IF_ERROR(CheckEnvEntries(spec.env(), "spec.env"));
  RETURN_IF_ERROR(CheckUserSpec(spec.user(), "spec.user"));
  for (int i = 0; i < spec.group_add_size(); ++i) {
    RETURN_IF_ERROR(CheckGroupSpec(spec.group_add(i), "spec.group_add[" + std::to_string(i) + "]"));
  }
  RETURN_IF_ERROR(ValidateMounts(spec));
  RETURN_IF_ERROR(ValidateContainerLabels(spec.labels(), "spec.labels"));
  static const std::regex kHostname("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})");
  if (!spec.hostname().empty() && !std::regex_match(spec.hostname(), kHostname)) {
    return InvalidArgument("spec.hostname: '" + spec.hostname() + "' is not a valid hostname");
  }
  const auto& limits = spec.limits();
  RETURN_IF_ERROR(ValidateLimitValues("spec.limits", limits.memory_bytes(), limits.cpu_millis(),
                                      limits.pids_max(), limits.cpu_shares()));
  RETURN_IF_ERROR(ValidateResourceTuning(spec));
  RETURN_IF_ERROR(ValidateVolumesFrom(spec));
  RETURN_IF_ERROR(BlockDeviceThrottles(limits, "spec.limits").status());
  RETURN_IF_ERROR(CheckCpusetCpus(limits.cpuset_cpus(), "spec.limits.cpuset_cpus"));
  RETURN_IF_ERROR(CheckCpusetMems(limits.cpuset_mems(), "spec.limits.cpuset_mems"));
  RETURN_IF_ERROR(ValidateRestartPolicy(spec.restart_policy(), "spec.restart_policy"));
  ASSIGN_OR_RETURN(uint64_t kept_capabilities, KeptCapabilitiesOf(spec));
  RETURN_IF_ERROR(ValidateSecurityOptions(spec, kept_capabilities));
  RETURN_IF_ERROR(ValidateHealthConfig(spec.healthcheck(), "spec.healthcheck"));
  if (!spec.stop_signal().empty() && ParseSignal(spec.stop_signal()) == 0) {
    return InvalidArgument("spec.stop_signal: '" + spec.stop_signal() +
                           "' is not a signal (SIGTERM, TERM or 15, ...)");
  }
  RETURN_IF_ERROR(ResolveContainerDevices(spec).status());
  RETURN_IF_ERROR(ValidateLogSettings(spec));
  RETURN_IF_ERROR(ValidateSysctlsAndShmSize(spec));
  RETURN_IF_ERROR(ValidateNamespaceModes(spec));
  if (spec.auto_remove() && spec.restart_policy().mode() != v1::RestartPolicy::MODE_NO) {
    return InvalidArgument(
        "spec.auto_remove: a container removed at its exit cannot also be restarted by "
        "spec.restart_policy; choose one");
  }
  std::map<std::string, int> rlimit_names;
  for (int i = 0; i < spec.rlimits_size(); ++i) {
    const v1::Rlimit& rlimit = spec.rlimits(i);
    const std::string field = "spec.rlimits[" + std::to_string(i) + "]";
    if (RlimitResourceByName(rlimit.name()) < 0) {
      return InvalidArgument(field + ".name: unknown rlimit '" + rlimit.name() + "'");
    }
    if (auto [it, inserted] = rlimit_names.emplace(rlimit.name(), i); !inserted) {
      return InvalidArgument(field + ".name: '" + rlimit.name() + "' is given by spec.rlimits[" +
                             std::to_string(it->second) + "] too");
    }
    if (rlimit.soft() > rlimit.hard()) {
      return InvalidArgument(field + ".soft: soft limit of '" + rlimit.name() +
                             "' exceeds the hard limit");
    }
    // setrlimit refuses more open files than the host allows any process: said here, not as
    // "Operation not permitted" at start.
    if (rlimit.name() == "nofile") {
      auto nr_open = ReadFileToString("/proc/sys/fs/nr_open");
      const uint64_t host_max = nr_open.ok() ? std::strtoull(nr_open->c_str(), nullptr, 10) : 0;
      if (host_max > 0 && rlimit.hard() > host_max) {
        return InvalidArgument(field + ".hard: " + std::to_string(rlimit.hard()) +
                               " open files is past this host's fs.nr_open (" +
                               std::to_string(host_max) + ")");
      }
    }
  }
  const std::string backend_name = spec.backend().empty() ? default_backend : spec.backend();
  RETURN_IF_ERROR(AvailableBackend(backends, backend_name, "spec.backend").status());
  const bool wants_limits = limits.memory_bytes() || limits.cpu_millis() || limits.pids_max() ||
                            limits.cpu_shares() || limits.block_devices_size() > 0 ||
                            !limits.cpuset_cpus().empty() || !limits.cpuset_mems().empty() ||
                            UsesResourceTuning(spec);
  if (wants_limits) {
    RETURN_IF_ERROR(
        RequireCapability(backends, backend_name, Capability::kLimits, "spec.limits").status());
  }
  if (HasHealthCheck(spec.healthcheck())) {
    RETURN_IF_ERROR(
        RequireCapability(backends, backend_name, Capability::kExec, "spec.healthcheck").status());
  }
  if (spec.tty() || spec.stdin_open()) {
    RETURN_IF_ERROR(RequireCapability(backends, backend_name, Capability::kTerminal,
                                      spec.tty() ? "spec.tty" : "spec.stdin_open")
                        .status());
  }
  if (int index = SeccompProfileOptionIndex(spec); index >= 0) {
    const std::string field = "spec.security_opt[" + std::to_string(index) + "]";
    ASSIGN_OR_RETURN(Backend * backend,
                     RequireCapability(backends, backend_name, Capability::kSeccompProfile, field));
    if (!backend->capabilities().seccomp_every_action) {
      ASSIGN_OR_RETURN(uint64_t kept_capabilities, KeptCapabilitiesOf(spec));
      RETURN_IF_ERROR(
          CheckSeccompBasicActions(spec, kept_capabilities, index, field, backend_name));
    }
  }
  if (const std::string field = FirstSharingField(spec); !field.empty()) {
    RETURN_IF_ERROR(
        RequireCapability(backends, backend_name, Capability::kNamespaceSharing, field).status());
  }
  if (spec.has_userns()) {
    RETURN_IF_ERROR(
        RequireCapability(backends, backend_name, Capability::kUserns, "spec.userns").status());
    if (userns_range.count == 0) {
      return FailedPrecondition(
          "spec.userns: this agent has no host ids for user namespaces; start boxcard with "
          "--userns-range FIRST:COUNT (e.g. a block of /etc/subuid that no user has)");
    }
    if ((spec.userns().host_uid() == 0) != (spec.userns().host_gid() == 0)) {
      return InvalidArgument("spec.userns: give both host_uid and host_gid, or neither");
    }
    if (spec.sysctls_size() > 0) {
      RETURN_IF_ERROR(
          RequireCapability(backends, backend_name, Capability::kSysctlsInUserns, "spec.sysctls")
              .status());
    }
  }
  return OkStatus();
}

}  // namespace boxcar
