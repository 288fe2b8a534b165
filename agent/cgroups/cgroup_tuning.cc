#include "cgroups/cgroup_tuning.h"

#include <dirent.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "cgroups/cgroup_files.h"

namespace boxcar {

namespace {

// The scheduler default written back for weight 0: CFQ's blkio.weight 500, BFQ's and
// cgroup2's io.weight 100.
constexpr uint32_t kCfqDefaultWeight = 500;
constexpr uint32_t kDefaultIoWeight = 100;

// The first of `files` that exists in `dir`, or "".
std::string FirstExisting(const std::string& dir, const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    if (CgroupFileExists(dir + "/" + file)) return file;
  }
  return "";
}

// The block I/O weight files, the scheduler's own first (CFQ's / cgroup2's), then BFQ's.
std::vector<std::string> BlkioWeightFiles(bool v2) {
  return v2 ? std::vector<std::string>{"io.weight", "io.bfq.weight"}
            : std::vector<std::string>{"blkio.weight", "blkio.bfq.weight"};
}

Status NoBlkioWeight(const std::vector<std::string>& files, const std::string& dir) {
  return FailedPrecondition(
      "limits.blkio_weight: this host's block I/O scheduler offers no weight (no " + files[0] +
      " or " + files[1] + " in '" + dir +
      "'; the BFQ scheduler provides one: modprobe bfq and select it in "
      "/sys/block/<disk>/queue/scheduler)");
}

Status NoSwappinessOnV2() {
  return FailedPrecondition(
      "limits.memory_swappiness: cgroup2 has no per-cgroup swappiness (memory.swappiness is "
      "a cgroup v1 file); leave --memory-swappiness out on this host");
}

Status NoOomKillDisableOnV2() {
  return FailedPrecondition(
      "oom_kill_disable: cgroup2 cannot turn the OOM killer off for a cgroup (memory.oom_control "
      "is a cgroup v1 file); leave --oom-kill-disable out on this host");
}

// Where a knob's file can be looked for before the container's cgroup exists: the agent's
// parent (its children get the same files) when it is there, else the hierarchy's root.
std::string ProbeDirectory(const std::string& mount, const std::string& parent) {
  const std::string dir = mount + "/" + parent;
  return ::access(dir.c_str(), F_OK) == 0 ? dir : mount;
}

// Whether the first child cgroup of `dir` that has `marker` also has `file`.
bool AnyChildHas(const std::string& dir, const std::string& marker, const std::string& file) {
  std::unique_ptr<DIR, int (*)(DIR*)> children(::opendir(dir.c_str()), ::closedir);
  if (!children) return false;
  while (const struct dirent* child = ::readdir(children.get())) {
    if (child->d_type != DT_DIR || child->d_name[0] == '.') continue;
    const std::string path = dir + "/" + child->d_name;
    if (CgroupFileExists(path + "/" + marker)) return CgroupFileExists(path + "/" + file);
  }
  return false;
}

}  // namespace

Status CheckTuningValues(const CgroupLimits& limits, const std::string& prefix) {
  const std::string swap_field = prefix + ".memory_swap_bytes";
  if (limits.memory_swap_bytes < -1) {
    return InvalidArgument(swap_field + ": " + std::to_string(limits.memory_swap_bytes) +
                           " is neither a size nor -1 (unlimited swap)");
  }
  if (limits.memory_swap_bytes != 0 && limits.memory_bytes == 0) {
    return InvalidArgument(swap_field +
                           ": a memory+swap limit needs a memory limit too (--memory)");
  }
  if (limits.memory_swap_bytes > 0 &&
      static_cast<uint64_t>(limits.memory_swap_bytes) < limits.memory_bytes) {
    return InvalidArgument(swap_field + ": " + std::to_string(limits.memory_swap_bytes) +
                           " is below the memory limit (" + std::to_string(limits.memory_bytes) +
                           "); memory+swap must be at least the memory limit, or -1");
  }
  const std::string reservation_field = prefix + ".memory_reservation_bytes";
  if (limits.memory_reservation_bytes != 0 && limits.memory_reservation_bytes < kMinMemoryBytes) {
    return InvalidArgument(reservation_field + ": " +
                           std::to_string(limits.memory_reservation_bytes) +
                           " is below the 4 MiB minimum");
  }
  if (limits.memory_reservation_bytes != 0 && limits.memory_bytes != 0 &&
      limits.memory_reservation_bytes > limits.memory_bytes) {
    return InvalidArgument(reservation_field + ": " +
                           std::to_string(limits.memory_reservation_bytes) +
                           " is above the memory limit (" + std::to_string(limits.memory_bytes) +
                           "); the soft limit must be at most the hard one");
  }
  if (limits.memory_swappiness && *limits.memory_swappiness > 100) {
    return InvalidArgument(prefix + ".memory_swappiness: " +
                           std::to_string(*limits.memory_swappiness) + " is outside 0..100");
  }
  if (limits.blkio_weight != 0 &&
      (limits.blkio_weight < kMinBlkioWeight || limits.blkio_weight > kMaxBlkioWeight)) {
    return InvalidArgument(prefix + ".blkio_weight: " + std::to_string(limits.blkio_weight) +
                           " is outside 10..1000");
  }
  const std::string period_field = prefix + ".cpu_period_us";
  const std::string quota_field = prefix + ".cpu_quota_us";
  if (limits.cpu_period_us != 0 &&
      (limits.cpu_period_us < kMinCpuPeriodMicros || limits.cpu_period_us > kMaxCpuPeriodMicros)) {
    return InvalidArgument(period_field + ": " + std::to_string(limits.cpu_period_us) +
                           " microseconds is outside 1000..1000000");
  }
  if (limits.cpu_quota_us < -1 ||
      (limits.cpu_quota_us > 0 && limits.cpu_quota_us < kMinCpuQuotaMicros)) {
    return InvalidArgument(quota_field + ": " + std::to_string(limits.cpu_quota_us) +
                           " microseconds is below the 1000 minimum (0 or -1: no quota)");
  }
  if (limits.cpu_millis != 0 && limits.HasCpuPeriodOrQuota()) {
    return InvalidArgument((limits.cpu_quota_us > 0 ? quota_field : period_field) +
                           ": conflicts with " + prefix +
                           ".cpu_millis (--cpus); give either --cpus or --cpu-period/--cpu-quota");
  }
  return OkStatus();
}

Status CheckTuningSupported(const CgroupLayout& layout, const std::string& parent,
                            const CgroupLimits& limits) {
  const bool v2 = layout.mode == CgroupMode::kV2;
  if (limits.memory_swappiness && v2) return NoSwappinessOnV2();
  if (limits.oom_kill_disable && v2) return NoOomKillDisableOnV2();
  // cgroup2's root has no memory.swap.max: only a parent that exists tells. (Probed only for
  // a swap limit: nothing of this costs a container without the knobs a syscall.)
  auto memory = layout.v1_mounts.find("memory");
  const std::string memory_dir = limits.memory_swap_bytes <= 0 ? ""
                                 : v2 ? ProbeDirectory(layout.unified_mount, parent)
                                 : memory == layout.v1_mounts.end()
                                     ? ""
                                     : ProbeDirectory(memory->second, parent);
  if (limits.memory_swap_bytes > 0 && !memory_dir.empty() &&
      (!v2 || memory_dir != layout.unified_mount)) {
    const std::string file =
        memory_dir + (v2 ? "/memory.swap.max" : "/memory.memsw.limit_in_bytes");
    if (!CgroupFileExists(file)) return NoSwapAccounting(file);
  }
  if (limits.blkio_weight != 0) {
    auto blkio = layout.v1_mounts.find("blkio");
    const std::vector<std::string> files = BlkioWeightFiles(v2);
    std::string dir;
    if (v2) {
      dir = layout.unified_mount + "/" + parent;
    } else if (blkio != layout.v1_mounts.end()) {
      dir = blkio->second + "/" + parent;
    }
    // NOTE: the weight files are never on a hierarchy's root (CFTYPE_NOT_ON_ROOT), so only a
    // parent that exists can tell; before it does, the write at start says it.
    const bool can_tell = !dir.empty() && ::access(dir.c_str(), F_OK) == 0;
    if (can_tell && FirstExisting(dir, files).empty()) return NoBlkioWeight(files, dir);
  }
  return OkStatus();
}

bool AccountsSwap(const CgroupLayout& layout, const std::string& parent) {
  if (layout.mode == CgroupMode::kV2) {
    // cgroup2's root has no memory.swap.max: a child with the memory controller must tell.
    const std::string dir = ProbeDirectory(layout.unified_mount, parent);
    if (dir != layout.unified_mount) return CgroupFileExists(dir + "/memory.swap.max");
    return AnyChildHas(dir, "memory.max", "memory.swap.max");
  }
  auto memory = layout.v1_mounts.find("memory");
  if (memory == layout.v1_mounts.end()) return false;
  return CgroupFileExists(ProbeDirectory(memory->second, parent) + "/memory.memsw.limit_in_bytes");
}

Status NoSwapAccounting(const std::string& missing_file) {
  return FailedPrecondition(
      "limits.memory_swap_bytes: this host's kernel does not account swap "
      "(no '" +
      missing_file +
      "'; boot with swapaccount=1), so swap cannot be limited; leave "
      "--memory-swap out or give -1");
}

Status WriteMemoryReservation(const std::string& dir, bool v2, uint64_t bytes) {
  const std::string field = "limits.memory_reservation_bytes";
  if (v2) return WriteCgroupFile(dir + "/memory.low", std::to_string(bytes)).Annotate(field);
  return WriteCgroupFile(dir + "/memory.soft_limit_in_bytes", bytes ? std::to_string(bytes) : "-1")
      .Annotate(field);
}

Status WriteMemorySwappiness(const std::string& dir, bool v2, uint32_t swappiness) {
  if (v2) return NoSwappinessOnV2();
  return WriteCgroupFile(dir + "/memory.swappiness", std::to_string(swappiness))
      .Annotate("limits.memory_swappiness");
}

Status WriteOomKillDisable(const std::string& dir, bool v2) {
  if (v2) return NoOomKillDisableOnV2();
  return WriteCgroupFile(dir + "/memory.oom_control", "1").Annotate("oom_kill_disable");
}

Status WriteBlkioWeight(const std::string& dir, bool v2, uint32_t weight) {
  const std::vector<std::string> files = BlkioWeightFiles(v2);
  const std::string file = FirstExisting(dir, files);
  if (file.empty()) return NoBlkioWeight(files, dir);
  uint32_t value = weight;
  if (value == 0) value = file == "blkio.weight" ? kCfqDefaultWeight : kDefaultIoWeight;
  const std::string text =
      file == "io.weight" ? "default " + std::to_string(value) : std::to_string(value);
  return WriteCgroupFile(dir + "/" + file, text).Annotate("limits.blkio_weight");
}

Status WriteCpuPeriodQuota(const std::string& dir, bool v2, uint64_t period_us, int64_t quota_us) {
  const std::string field = quota_us > 0 ? "limits.cpu_quota_us" : "limits.cpu_period_us";
  const std::string period = std::to_string(period_us ? period_us : kCpuPeriodMicros);
  const std::string quota = quota_us > 0 ? std::to_string(quota_us) : (v2 ? "max" : "-1");
  if (v2) return WriteCgroupFile(dir + "/cpu.max", quota + " " + period).Annotate(field);
  RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpu.cfs_period_us", period).Annotate(field));
  return WriteCgroupFile(dir + "/cpu.cfs_quota_us", quota).Annotate(field);
}

}  // namespace boxcar
