#include "core/flavor_limits.h"

#include <charconv>

namespace boxcar::nova {

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;
constexpr int64_t kDefaultCpuPeriodMicros = 100000;

std::string FlavorName(const FlavorRequest& flavor) {
  return "flavor '" + (flavor.name.empty() ? std::string("?") : flavor.name) + "'";
}

StatusOr<int64_t> IntegerSpec(const FlavorRequest& flavor, const std::string& key) {
  const std::string& text = flavor.extra_specs.at(key);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(FlavorName(flavor) + ": extra spec " + key + "='" + text +
                           "' is not an integer");
  }
  return value;
}

bool IsUnsupportedQuota(const std::string& key, std::string* why) {
  if (key == "quota:disk_total_bytes_sec" || key == "quota:disk_total_iops_sec") {
    *why =
        "cgroups limit reads and writes separately; use quota:disk_read_bytes_sec / "
        "quota:disk_write_bytes_sec and quota:disk_read_iops_sec / quota:disk_write_iops_sec";
    return true;
  }
  if (key.rfind("quota:vif_", 0) == 0) {
    *why = "interface bandwidth limits are not supported";
    return true;
  }
  return false;
}

}  // namespace

HostCapacity HostCapacityFor(const v1::InfoResponse& info, const DriverOptions& options) {
  HostCapacity capacity;
  capacity.cpus = info.host().cpus();
  capacity.memory_bytes = info.host().memory_total_bytes();
  capacity.disk_bytes = info.host().disk_total_bytes();
  capacity.throttle_device = options.throttle_device;
  capacity.pids_limit = options.pids_limit;
  return capacity;
}

StatusOr<v1::ResourceLimits> LimitsForFlavor(const FlavorRequest& flavor,
                                             const HostCapacity& host) {
  v1::ResourceLimits limits;
  const uint64_t memory_bytes = flavor.memory_mb * kMiB;
  if (host.memory_bytes != 0 && memory_bytes > host.memory_bytes) {
    return ResourceExhausted(FlavorName(flavor) + ": memory_mb " +
                             std::to_string(flavor.memory_mb) + " is more than the host's " +
                             std::to_string(host.memory_bytes / kMiB) + " MB");
  }
  if (host.disk_bytes != 0 && flavor.root_gb * kGiB > host.disk_bytes) {
    return ResourceExhausted(FlavorName(flavor) + ": root_gb " + std::to_string(flavor.root_gb) +
                             " is more than the " + std::to_string(host.disk_bytes / kGiB) +
                             " GB of the agent's file system");
  }
  limits.set_memory_bytes(memory_bytes);

  for (const auto& [key, value] : flavor.extra_specs) {
    std::string why;
    if (IsUnsupportedQuota(key, &why))
      return Unimplemented(FlavorName(flavor) + ": extra spec " + key + ": " + why);
  }

  uint64_t cpu_millis = static_cast<uint64_t>(flavor.vcpus) * 1000;
  if (flavor.extra_specs.count("quota:cpu_quota")) {
    ASSIGN_OR_RETURN(int64_t quota, IntegerSpec(flavor, "quota:cpu_quota"));
    int64_t period = kDefaultCpuPeriodMicros;
    if (flavor.extra_specs.count("quota:cpu_period")) {
      ASSIGN_OR_RETURN(period, IntegerSpec(flavor, "quota:cpu_period"));
      if (period <= 0) {
        return InvalidArgument(FlavorName(flavor) + ": extra spec quota:cpu_period=" +
                               std::to_string(period) + " must be positive");
      }
    }
    cpu_millis = quota <= 0 ? 0 : static_cast<uint64_t>(quota) * 1000 / period;
    if (quota > 0 && cpu_millis < 10) {
      return InvalidArgument(FlavorName(flavor) + ": quota:cpu_quota/quota:cpu_period give " +
                             std::to_string(cpu_millis) + " thousandths of a CPU; at least 10");
    }
  } else if (flavor.extra_specs.count("quota:cpu_period")) {
    return InvalidArgument(FlavorName(flavor) +
                           ": extra spec quota:cpu_period needs quota:cpu_quota");
  }
  if (host.cpus != 0) cpu_millis = std::min<uint64_t>(cpu_millis, uint64_t{host.cpus} * 1000);
  limits.set_cpu_millis(cpu_millis);
  if (flavor.extra_specs.count("quota:cpu_shares")) {
    ASSIGN_OR_RETURN(int64_t shares, IntegerSpec(flavor, "quota:cpu_shares"));
    // cgroup v1's cpu.shares range, as libvirt's cputune shares.
    if (shares < 2 || shares > 262144) {
      return InvalidArgument(FlavorName(flavor) + ": extra spec quota:cpu_shares=" +
                             std::to_string(shares) + " is outside 2..262144");
    }
    limits.set_cpu_shares(static_cast<uint64_t>(shares));
  }

  uint64_t pids_limit = host.pids_limit;
  if (flavor.extra_specs.count(kPidsLimitSpec)) {
    ASSIGN_OR_RETURN(int64_t value, IntegerSpec(flavor, kPidsLimitSpec));
    if (value < 0) {
      return InvalidArgument(FlavorName(flavor) + ": extra spec " + kPidsLimitSpec + "=" +
                             std::to_string(value) + " must not be negative (0: no limit)");
    }
    pids_limit = static_cast<uint64_t>(value);
  }
  limits.set_pids_max(pids_limit);

  v1::BlockDeviceLimit disk;
  for (const char* key : {"quota:disk_read_bytes_sec", "quota:disk_write_bytes_sec",
                          "quota:disk_read_iops_sec", "quota:disk_write_iops_sec"}) {
    if (!flavor.extra_specs.count(key)) continue;
    ASSIGN_OR_RETURN(int64_t rate, IntegerSpec(flavor, key));
    if (rate < 0) {
      return InvalidArgument(FlavorName(flavor) + ": extra spec " + key + "=" +
                             std::to_string(rate) + " must not be negative");
    }
    if (host.throttle_device.empty()) {
      return FailedPrecondition(FlavorName(flavor) + ": extra spec " + key +
                                " needs the block device of the agent's disk: set "
                                "[boxcar] throttle_device in nova.conf");
    }
    const std::string name = key;
    if (name == "quota:disk_read_bytes_sec") disk.set_read_bps(rate);
    if (name == "quota:disk_write_bytes_sec") disk.set_write_bps(rate);
    if (name == "quota:disk_read_iops_sec") disk.set_read_iops(rate);
    if (name == "quota:disk_write_iops_sec") disk.set_write_iops(rate);
  }
  if (disk.read_bps() != 0 || disk.write_bps() != 0 || disk.read_iops() != 0 ||
      disk.write_iops() != 0) {
    disk.set_device(host.throttle_device);
    *limits.add_block_devices() = disk;
  }
  return limits;
}

}  // namespace boxcar::nova
