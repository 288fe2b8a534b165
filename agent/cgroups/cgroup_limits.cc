#include "cgroups/cgroup_limits.h"

#include <limits>
#include <utility>

#include "cgroups/cgroup_files.h"
#include "cgroups/cgroup_tuning.h"

namespace boxcar {

Status CheckMemoryLimit(uint64_t memory_bytes, const std::string& field) {
  if (memory_bytes != 0 && memory_bytes < kMinMemoryBytes) {
    return InvalidArgument(field + ": " + std::to_string(memory_bytes) +
                           " is below the 4 MiB minimum (" + std::to_string(kMinMemoryBytes) +
                           " bytes)");
  }
  return OkStatus();
}

Status CheckCpuLimit(uint64_t cpu_millis, const std::string& field) {
  if (cpu_millis != 0 && cpu_millis < kMinCpuMillis) {
    return InvalidArgument(field + ": " + std::to_string(cpu_millis) +
                           " is below the minimum of " + std::to_string(kMinCpuMillis));
  }
  if (cpu_millis > std::numeric_limits<uint64_t>::max() / kCpuPeriodMicros) {
    return InvalidArgument(field + ": " + std::to_string(cpu_millis) + " is too large");
  }
  return OkStatus();
}

Status CheckCpuShares(uint64_t cpu_shares, const std::string& field) {
  if (cpu_shares != 0 && (cpu_shares < kMinCpuShares || cpu_shares > kMaxCpuShares)) {
    return InvalidArgument(field + ": " + std::to_string(cpu_shares) + " is outside " +
                           std::to_string(kMinCpuShares) + ".." + std::to_string(kMaxCpuShares) +
                           " (1024 is the default weight)");
  }
  return OkStatus();
}

Status ValidateCgroupLimits(const CgroupLimits& limits) {
  RETURN_IF_ERROR(CheckMemoryLimit(limits.memory_bytes, "limits.memory_bytes"));
  RETURN_IF_ERROR(CheckCpuShares(limits.cpu_shares, "limits.cpu_shares"));
  RETURN_IF_ERROR(CheckTuningValues(limits, "limits"));
  return CheckCpuLimit(limits.cpu_millis, "limits.cpu_millis");
}

namespace {

// Requested limits and the controller each needs.
std::vector<std::pair<std::string, std::string>> NeededControllers(const CgroupLimits& limits) {
  std::vector<std::pair<std::string, std::string>> needed;
  if (limits.memory_bytes != 0) needed.emplace_back("limits.memory_bytes", "memory");
  if (limits.cpu_millis != 0) needed.emplace_back("limits.cpu_millis", "cpu");
  if (limits.cpu_shares != 0) needed.emplace_back("limits.cpu_shares", "cpu");
  if (limits.HasCpuPeriodOrQuota()) needed.emplace_back("limits.cpu_period_us", "cpu");
  if (limits.memory_reservation_bytes != 0 || limits.memory_swappiness || limits.oom_kill_disable) {
    needed.emplace_back("limits.memory_reservation_bytes", "memory");
  }
  if (limits.blkio_weight != 0) needed.emplace_back("limits.blkio_weight", "blkio");
  if (limits.pids_max != 0) needed.emplace_back("limits.pids_max", "pids");
  if (!limits.block_devices.empty()) needed.emplace_back("limits.block_devices", "blkio");
  if (limits.HasCpuset()) {
    needed.emplace_back(limits.cpuset_cpus.empty() ? "limits.cpuset_mems" : "limits.cpuset_cpus",
                        "cpuset");
  }
  return needed;
}

}  // namespace

Status CheckControllersPresent(const CgroupLayout& layout, const CgroupLimits& limits) {
  for (auto [field, controller] : NeededControllers(limits)) {
    if (layout.mode == CgroupMode::kV2) {
      if (controller == "blkio") controller = "io";
      if (layout.v2_controllers.count(controller) == 0) {
        return FailedPrecondition(field + " needs the cgroup2 " + controller +
                                  " controller, which '" + layout.unified_mount +
                                  "/cgroup.controllers' does not list");
      }
    } else if (layout.v1_mounts.count(controller) == 0) {
      return FailedPrecondition(field + " needs the " + controller +
                                " controller, but no cgroup v1 " + controller +
                                " hierarchy is mounted");
    }
  }
  return OkStatus();
}

Status WriteMemoryLimit(const std::string& dir, bool v2, uint64_t bytes, int64_t swap_bytes) {
  const std::string field = "limits.memory_bytes";
  const std::string swap_field = "limits.memory_swap_bytes";
  if (v2) {
    RETURN_IF_ERROR(WriteCgroupFile(dir + "/memory.max", bytes ? std::to_string(bytes) : "max")
                        .Annotate(field));
    // memory.swap.max only exists with swap accounting; 0 matches v1's memsw == limit.
    const std::string swap_max = dir + "/memory.swap.max";
    if (!CgroupFileExists(swap_max)) {
      if (bytes != 0 && swap_bytes > 0) return NoSwapAccounting(swap_max);
      return OkStatus();
    }
    std::string swap = "max";
    if (bytes != 0 && swap_bytes == 0) swap = "0";
    if (bytes != 0 && swap_bytes > 0) {
      swap = std::to_string(static_cast<uint64_t>(swap_bytes) > bytes ? swap_bytes - bytes : 0);
    }
    return WriteCgroupFile(swap_max, swap).Annotate(swap_field);
  }
  const std::string value = bytes ? std::to_string(bytes) : "-1";
  const std::string memsw = dir + "/memory.memsw.limit_in_bytes";
  // The memsw value: no swap on top (the memory limit), unlimited, or memory plus swap.
  const bool memsw_unlimited = bytes == 0 || swap_bytes < 0;
  const uint64_t memsw_bytes = swap_bytes > 0 ? static_cast<uint64_t>(swap_bytes) : bytes;
  const bool has_memsw = CgroupFileExists(memsw);
  if (!has_memsw && bytes != 0 && swap_bytes > 0) return NoSwapAccounting(memsw);
  // memsw must stay >= limit_in_bytes: write it first when the new memsw is at least the
  // current limit, else lower the limit first.
  const uint64_t current = ReadCgroupLimit(dir + "/memory.limit_in_bytes");  // 0 = none
  const bool memsw_first = memsw_unlimited || (current != 0 && memsw_bytes >= current);
  const std::string memsw_value = memsw_unlimited ? "-1" : std::to_string(memsw_bytes);
  if (memsw_first && has_memsw) {
    RETURN_IF_ERROR(WriteCgroupFile(memsw, memsw_value).Annotate(swap_field));
  }
  Status limit = WriteCgroupFile(dir + "/memory.limit_in_bytes", value);
  if (!limit.ok()) {
    if (limit.code() == StatusCode::kFailedPrecondition) {  // EBUSY
      return FailedPrecondition(field + ": " + std::to_string(bytes) +
                                " is below what the container uses and cannot be reclaimed");
    }
    return limit.Annotate(field);
  }
  if (!memsw_first && has_memsw) {
    RETURN_IF_ERROR(WriteCgroupFile(memsw, memsw_value).Annotate(swap_field));
  }
  return OkStatus();
}

Status WriteCpuLimit(const std::string& dir, bool v2, uint64_t cpu_millis) {
  const std::string field = "limits.cpu_millis";
  const std::string period = std::to_string(kCpuPeriodMicros);
  const std::string quota =
      cpu_millis ? std::to_string(cpu_millis * kCpuPeriodMicros / 1000) : (v2 ? "max" : "-1");
  if (v2) return WriteCgroupFile(dir + "/cpu.max", quota + " " + period).Annotate(field);
  RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpu.cfs_period_us", period).Annotate(field));
  return WriteCgroupFile(dir + "/cpu.cfs_quota_us", quota).Annotate(field);
}

Status WriteCpuShares(const std::string& dir, bool v2, uint64_t cpu_shares) {
  const std::string field = "limits.cpu_shares";
  const uint64_t shares = cpu_shares == 0 ? kDefaultCpuShares : cpu_shares;
  if (v2) {
    const uint64_t weight = 1 + (shares - kMinCpuShares) * 9999 / (kMaxCpuShares - kMinCpuShares);
    return WriteCgroupFile(dir + "/cpu.weight", std::to_string(weight)).Annotate(field);
  }
  return WriteCgroupFile(dir + "/cpu.shares", std::to_string(shares)).Annotate(field);
}

Status WriteBlockDeviceLimits(const std::string& dir, bool v2,
                              const std::vector<BlockDeviceThrottle>& devices) {
  for (const BlockDeviceThrottle& device : devices) {
    const std::string id = std::to_string(device.major) + ":" + std::to_string(device.minor);
    if (v2) {
      auto max = [](uint64_t value) { return value ? std::to_string(value) : std::string("max"); };
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/io.max",
                                      id + " rbps=" + max(device.read_bps) +
                                          " wbps=" + max(device.write_bps) +
                                          " riops=" + max(device.read_iops) +
                                          " wiops=" + max(device.write_iops))
                          .Annotate("limits.block_devices"));
      continue;
    }
    // v1: one file per rate; "MAJ:MIN 0" removes a rule, so 0 is written like any value.
    const std::pair<const char*, uint64_t> rates[] = {
        {"/blkio.throttle.read_bps_device", device.read_bps},
        {"/blkio.throttle.write_bps_device", device.write_bps},
        {"/blkio.throttle.read_iops_device", device.read_iops},
        {"/blkio.throttle.write_iops_device", device.write_iops},
    };
    for (const auto& [file, rate] : rates) {
      RETURN_IF_ERROR(WriteCgroupFile(dir + file, id + " " + std::to_string(rate))
                          .Annotate("limits.block_devices"));
    }
  }
  return OkStatus();
}

Status WritePidsLimit(const std::string& dir, uint64_t pids_max) {
  return WriteCgroupFile(dir + "/pids.max", pids_max ? std::to_string(pids_max) : "max")
      .Annotate("limits.pids_max");
}

}  // namespace boxcar
