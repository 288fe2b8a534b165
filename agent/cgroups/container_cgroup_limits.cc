// The limits part of ContainerCgroup: where each controller's files are, the limits written
// at Create (cgroup_limits.h, cgroup_tuning.h, device access) and their live changes.
#include <map>
#include <string>
#include <vector>

#include "cgroups/cgroup_files.h"
#include "cgroups/cgroup_limits.h"
#include "cgroups/cgroup_tuning.h"
#include "cgroups/container_cgroup.h"
#include "cgroups/cpuset.h"
#include "cgroups/device_program.h"

namespace boxcar {

StatusOr<std::string> ContainerCgroup::ControllerDirectory(
    const std::string& field, const std::string& controller,
    const std::map<std::string, std::string>& enable_errors) const {
  if (mode_ == CgroupMode::kV2) {
    if (ReadCgroupWords(unified_directory_ + "/cgroup.controllers").count(controller) == 0) {
      auto error = enable_errors.find(controller);
      return FailedPrecondition(field + " needs the cgroup2 " + controller +
                                " controller, which is not enabled for '" + unified_directory_ +
                                "'" +
                                (error == enable_errors.end() ? "" : " (" + error->second + ")"));
    }
    return unified_directory_;
  }
  auto dir = v1_directories_.find(controller);
  if (dir == v1_directories_.end()) {
    return FailedPrecondition(field + " needs the " + controller +
                              " controller, but no cgroup v1 " + controller +
                              " hierarchy is mounted");
  }
  return dir->second;
}

Status ContainerCgroup::ApplyLimits(const CgroupLimits& limits,
                                    const std::map<std::string, std::string>& enable_errors) const {
  const bool v2 = mode_ == CgroupMode::kV2;
  if (limits.memory_bytes != 0) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory("limits.memory_bytes", "memory", enable_errors));
    RETURN_IF_ERROR(WriteMemoryLimit(dir, v2, limits.memory_bytes, limits.memory_swap_bytes));
  }
  if (limits.memory_reservation_bytes != 0 || limits.memory_swappiness || limits.oom_kill_disable) {
    ASSIGN_OR_RETURN(std::string dir, ControllerDirectory("limits.memory_reservation_bytes",
                                                          "memory", enable_errors));
    if (limits.memory_reservation_bytes != 0) {
      RETURN_IF_ERROR(WriteMemoryReservation(dir, v2, limits.memory_reservation_bytes));
    }
    if (limits.memory_swappiness) {
      RETURN_IF_ERROR(WriteMemorySwappiness(dir, v2, *limits.memory_swappiness));
    }
    if (limits.oom_kill_disable) RETURN_IF_ERROR(WriteOomKillDisable(dir, v2));
  }
  if (limits.HasCpuPeriodOrQuota()) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory("limits.cpu_period_us", "cpu", enable_errors));
    RETURN_IF_ERROR(WriteCpuPeriodQuota(dir, v2, limits.cpu_period_us, limits.cpu_quota_us));
  }
  if (limits.blkio_weight != 0) {
    ASSIGN_OR_RETURN(std::string dir, ControllerDirectory("limits.blkio_weight",
                                                          v2 ? "io" : "blkio", enable_errors));
    RETURN_IF_ERROR(WriteBlkioWeight(dir, v2, limits.blkio_weight));
  }
  if (limits.cpu_millis != 0) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory("limits.cpu_millis", "cpu", enable_errors));
    RETURN_IF_ERROR(WriteCpuLimit(dir, v2, limits.cpu_millis));
  }
  if (limits.cpu_shares != 0) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory("limits.cpu_shares", "cpu", enable_errors));
    RETURN_IF_ERROR(WriteCpuShares(dir, v2, limits.cpu_shares));
  }
  if (limits.pids_max != 0) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory("limits.pids_max", "pids", enable_errors));
    RETURN_IF_ERROR(WritePidsLimit(dir, limits.pids_max));
  }
  if (!limits.block_devices.empty()) {
    ASSIGN_OR_RETURN(std::string dir, ControllerDirectory("limits.block_devices",
                                                          v2 ? "io" : "blkio", enable_errors));
    RETURN_IF_ERROR(WriteBlockDeviceLimits(dir, v2, limits.block_devices));
  }
  if (!limits.device_rules.empty()) RETURN_IF_ERROR(ApplyDeviceRules(limits.device_rules));
  if (limits.HasCpuset() && v2) {
    ASSIGN_OR_RETURN(std::string dir,
                     ControllerDirectory(
                         limits.cpuset_cpus.empty() ? "limits.cpuset_mems" : "limits.cpuset_cpus",
                         "cpuset", enable_errors));
    RETURN_IF_ERROR(WriteCpusetSets(dir, limits.cpuset_cpus, limits.cpuset_mems));
  }
  return OkStatus();
}

Status ContainerCgroup::ApplyDeviceRules(const std::vector<DeviceRule>& rules) const {
  // The v1 controller wherever there is one (also on hybrid hosts); cgroup2 has no device
  // files, only a BPF program attached to the cgroup.
  if (auto devices = v1_directories_.find("devices"); devices != v1_directories_.end()) {
    return WriteV1DeviceRules(devices->second, rules).Annotate("device access");
  }
  if (!unified_directory_.empty()) {
    return AttachDeviceProgram(unified_directory_, rules).Annotate("device access");
  }
  return FailedPrecondition(
      "device access needs the cgroup v1 devices controller or cgroup2, and this host has "
      "neither");
}

Status ContainerCgroup::UpdateLimits(const CgroupLimitsUpdate& update) const {
  const bool v2 = mode_ == CgroupMode::kV2;
  if (update.memory_bytes) {
    RETURN_IF_ERROR(CheckMemoryLimit(*update.memory_bytes, "limits.memory_bytes"));
  }
  if (update.cpu_millis) RETURN_IF_ERROR(CheckCpuLimit(*update.cpu_millis, "limits.cpu_millis"));
  if (update.cpu_shares) {
    RETURN_IF_ERROR(CheckCpuShares(*update.cpu_shares, "limits.cpu_shares"));
  }
  // Look every directory up first, so a missing controller changes nothing.
  std::string memory_dir, cpu_dir, pids_dir, blkio_dir;
  if (update.memory_bytes || update.memory_swap_bytes || update.memory_reservation_bytes) {
    ASSIGN_OR_RETURN(
        memory_dir,
        ControllerDirectory(
            update.memory_bytes ? "limits.memory_bytes" : "limits.memory_swap_bytes", "memory"));
  }
  if (update.cpu_millis || update.cpu_shares || update.cpu_period_us || update.cpu_quota_us) {
    ASSIGN_OR_RETURN(
        cpu_dir,
        ControllerDirectory(update.cpu_millis ? "limits.cpu_millis" : "limits.cpu_shares", "cpu"));
  }
  if (update.pids_max) {
    ASSIGN_OR_RETURN(pids_dir, ControllerDirectory("limits.pids_max", "pids"));
  }
  if (update.blkio_weight) {
    ASSIGN_OR_RETURN(blkio_dir, ControllerDirectory("limits.blkio_weight", v2 ? "io" : "blkio"));
  }
  if (update.memory_bytes || update.memory_swap_bytes) {
    // Both come together (CgroupLimitsUpdate); the memory limit read back when only swap did.
    const uint64_t memory =
        update.memory_bytes
            ? *update.memory_bytes
            : ReadCgroupLimit(memory_dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
    RETURN_IF_ERROR(WriteMemoryLimit(memory_dir, v2, memory, update.memory_swap_bytes.value_or(0)));
  }
  if (update.memory_reservation_bytes) {
    RETURN_IF_ERROR(WriteMemoryReservation(memory_dir, v2, *update.memory_reservation_bytes));
  }
  if (update.blkio_weight) RETURN_IF_ERROR(WriteBlkioWeight(blkio_dir, v2, *update.blkio_weight));
  if (update.cpu_period_us || update.cpu_quota_us) {
    RETURN_IF_ERROR(WriteCpuPeriodQuota(cpu_dir, v2, update.cpu_period_us.value_or(0),
                                        update.cpu_quota_us.value_or(0)));
  }
  if (update.cpu_millis) RETURN_IF_ERROR(WriteCpuLimit(cpu_dir, v2, *update.cpu_millis));
  if (update.cpu_shares) RETURN_IF_ERROR(WriteCpuShares(cpu_dir, v2, *update.cpu_shares));
  if (update.pids_max) RETURN_IF_ERROR(WritePidsLimit(pids_dir, *update.pids_max));
  if (update.cpuset_cpus || update.cpuset_mems) {
    RETURN_IF_ERROR(UpdateCpuset(update.cpuset_cpus, update.cpuset_mems));
  }
  return OkStatus();
}

}  // namespace boxcar
