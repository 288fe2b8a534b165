// What a container asks of its cgroups, how it is checked, and how each limit is written to
// the interface files of v1 hierarchies or of cgroup2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/cgroup_layout.h"
#include "cgroups/device_rules.h"
#include "common/status.h"

namespace boxcar {

// Bandwidth (bytes per second) and operation rate (per second) of one block device
// (major:minor); 0 = unlimited.
struct BlockDeviceThrottle {
  unsigned major = 0;
  unsigned minor = 0;
  uint64_t read_bps = 0;
  uint64_t write_bps = 0;
  uint64_t read_iops = 0;
  uint64_t write_iops = 0;
};

// 0 = unlimited.
struct CgroupLimits {
  uint64_t memory_bytes = 0;  // at least kMinMemoryBytes; swap as memory_swap_bytes says
  uint64_t cpu_millis = 0;    // thousandths of a CPU, at least kMinCpuMillis
  uint64_t pids_max = 0;
  std::vector<BlockDeviceThrottle> block_devices;
  uint64_t cpu_shares = 0;    // cgroup v1 cpu.shares, kMinCpuShares..kMaxCpuShares; 0 = default
  // The only device nodes the cgroup's processes may use (everything else denied); empty
  // leaves the device access the cgroup inherits.
  std::vector<DeviceRule> device_rules;
  // cpuset.cpus / cpuset.mems (cgroups/cpuset.h); both empty: no cpuset cgroup at all.
  std::string cpuset_cpus;
  std::string cpuset_mems;
  bool HasCpuset() const { return !cpuset_cpus.empty() || !cpuset_mems.empty(); }
  // Docker's finer knobs (cgroups/cgroup_tuning.h); 0 / unset: left as the cgroup has them,
  // but for memory_swap_bytes: memory plus swap (Docker's MemorySwap), 0 = no swap on top of
  // memory_bytes, -1 = swap without limit, else at least memory_bytes.
  int64_t memory_swap_bytes = 0;
  uint64_t memory_reservation_bytes = 0;
  std::optional<uint32_t> memory_swappiness;  // v1 only
  bool oom_kill_disable = false;              // v1 only
  uint32_t blkio_weight = 0;
  uint64_t cpu_period_us = 0;  // with cpu_quota_us, instead of cpu_millis
  int64_t cpu_quota_us = 0;    // 0 or -1: no quota
  bool HasCpuPeriodOrQuota() const { return cpu_period_us != 0 || cpu_quota_us > 0; }
};

// A change of limits: unset fields stay, 0 means unlimited.
struct CgroupLimitsUpdate {
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> cpu_millis;
  std::optional<uint64_t> pids_max;
  std::optional<uint64_t> cpu_shares;
  // "" = every CPU (node) of the parent cgroup.
  std::optional<std::string> cpuset_cpus;
  std::optional<std::string> cpuset_mems;
  // Given together with memory_bytes whenever either changes (the caller fills in the one
  // that stays), so that memsw is written in an order the kernel accepts.
  std::optional<int64_t> memory_swap_bytes;
  std::optional<uint64_t> memory_reservation_bytes;  // 0 = none
  std::optional<uint32_t> blkio_weight;              // 0 = the default
  // Both given whenever either changes; 0 period = 100000, 0 or -1 quota = none.
  std::optional<uint64_t> cpu_period_us;
  std::optional<int64_t> cpu_quota_us;
};

inline constexpr uint64_t kMinMemoryBytes = 4ull << 20;
inline constexpr uint64_t kMinCpuMillis = 10;
inline constexpr uint64_t kCpuPeriodMicros = 100000;
inline constexpr uint64_t kMinCpuShares = 2;
inline constexpr uint64_t kMaxCpuShares = 262144;
inline constexpr uint64_t kDefaultCpuShares = 1024;

// The one check of each value (0 = unlimited passes), for every caller; `field` names the
// request field in the message.
Status CheckMemoryLimit(uint64_t memory_bytes, const std::string& field);
Status CheckCpuLimit(uint64_t cpu_millis, const std::string& field);
Status CheckCpuShares(uint64_t cpu_shares, const std::string& field);
// Both, naming "limits.*".
Status ValidateCgroupLimits(const CgroupLimits& limits);
// Fails before anything is created when a requested limit has no controller on this host.
Status CheckControllersPresent(const CgroupLayout& layout, const CgroupLimits& limits);

// Limit writers shared by Create (only set limits) and UpdateLimits (0 = unlimited); `dir` is
// the directory of the controller's hierarchy (v1) or the cgroup2 directory (v2).
// `swap_bytes` as CgroupLimits::memory_swap_bytes; on v1 memsw is written before or after
// limit_in_bytes as the kernel needs (memsw >= limit at every moment). A positive swap_bytes on
// a host without swap accounting is FAILED_PRECONDITION.
Status WriteMemoryLimit(const std::string& dir, bool v2, uint64_t bytes, int64_t swap_bytes = 0);
Status WriteCpuLimit(const std::string& dir, bool v2, uint64_t cpu_millis);
// v1 cpu.shares; v2 cpu.weight = 1 + (shares - 2) * 9999 / 262142 (as runc and crun convert).
Status WriteCpuShares(const std::string& dir, bool v2, uint64_t cpu_shares);
// v1: one "MAJ:MIN BPS" line per file and direction (0 removes the rule); v2: io.max.
Status WriteBlockDeviceLimits(const std::string& dir, bool v2,
                              const std::vector<BlockDeviceThrottle>& devices);
Status WritePidsLimit(const std::string& dir, uint64_t pids_max);

}  // namespace boxcar
