// Docker's finer resource knobs beyond the plain limits of cgroup_limits.h: memory+swap and
// the soft memory limit, swappiness, the OOM killer switch, the block I/O weight and the CFS
// period/quota pair. The checks of their values (shared by Create and Update) and the writers
// of their cgroup files on v1 hierarchies or cgroup2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cgroups/cgroup_layout.h"
#include "cgroups/cgroup_limits.h"
#include "common/status.h"

namespace boxcar {

inline constexpr uint32_t kMinBlkioWeight = 10;
inline constexpr uint32_t kMaxBlkioWeight = 1000;
inline constexpr uint64_t kMinCpuPeriodMicros = 1000;
inline constexpr uint64_t kMaxCpuPeriodMicros = 1000000;
inline constexpr int64_t kMinCpuQuotaMicros = 1000;
inline constexpr int kMinOomScoreAdj = -1000;
inline constexpr int kMaxOomScoreAdj = 1000;

// Docker's rules, each error naming `prefix` + the field ("spec.limits.memory_swap_bytes"):
// swap needs memory and is at least it (or -1); the reservation is at least 4 MiB and at most
// memory; swappiness 0..100; weight 10..1000; period 1000..1000000 us; quota at least 1000 us
// (or 0, -1); period and quota not with cpu_millis.
Status CheckTuningValues(const CgroupLimits& limits, const std::string& prefix);

// FAILED_PRECONDITION naming the field when this host cannot apply a requested knob:
// swappiness and the OOM killer switch on a cgroup2 memory controller, swap limits without
// swap accounting, a block I/O weight without any weight file. `parent` is the agent's cgroup
// parent, whose files tell what its children get.
Status CheckTuningSupported(const CgroupLayout& layout, const std::string& parent,
                            const CgroupLimits& limits);

// Whether this host's kernel accounts swap per cgroup (v1 memory.memsw.limit_in_bytes,
// cgroup2 memory.swap.max), as the agent's parent shows (before it exists: the memory
// hierarchy's root on v1, a child of the root with the memory controller on cgroup2); false
// when nothing can tell.
bool AccountsSwap(const CgroupLayout& layout, const std::string& parent);

// FAILED_PRECONDITION naming limits.memory_swap_bytes: `missing_file` (memsw or
// memory.swap.max) says this kernel does not account swap.
Status NoSwapAccounting(const std::string& missing_file);

// Writers; `dir` is the controller's directory (v1) or the cgroup2 one.
// v1 memory.soft_limit_in_bytes (0: -1), cgroup2 memory.low (0: 0).
Status WriteMemoryReservation(const std::string& dir, bool v2, uint64_t bytes);
// v1 memory.swappiness; refused on cgroup2.
Status WriteMemorySwappiness(const std::string& dir, bool v2, uint32_t swappiness);
// v1 memory.oom_control = 1; refused on cgroup2.
Status WriteOomKillDisable(const std::string& dir, bool v2);
// v1 blkio.weight or blkio.bfq.weight, cgroup2 io.weight ("default N") or io.bfq.weight;
// 0 writes the scheduler's default weight back.
Status WriteBlkioWeight(const std::string& dir, bool v2, uint32_t weight);
// v1 cpu.cfs_period_us and cpu.cfs_quota_us, cgroup2 cpu.max "QUOTA PERIOD".
Status WriteCpuPeriodQuota(const std::string& dir, bool v2, uint64_t period_us, int64_t quota_us);

}  // namespace boxcar
