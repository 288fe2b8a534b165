// One container's cgroup in every hierarchy that matters: created with its limits, joined by
// the payload, checked for OOM kills, emptied and removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/cgroup_layout.h"
#include "cgroups/cgroup_limits.h"
#include "common/status.h"

namespace boxcar {

// Usage read from the cgroup files; counters are cumulative since the cgroup was made.
struct CgroupStats {
  uint64_t cpu_usage_ns = 0;
  uint64_t memory_usage_bytes = 0;  // usage minus inactive file cache, as `docker stats`
  uint64_t memory_limit_bytes = 0;  // 0 = unlimited
  uint64_t pids_current = 0;
  uint64_t pids_limit = 0;  // 0 = unlimited
  uint64_t block_read_bytes = 0;
  uint64_t block_write_bytes = 0;
};

// A handle, not an owner: the cgroup outlives the handle (and the agent) until Remove().
class ContainerCgroup {
 public:
  // Creates <mount>/<parent>/<name> in the memory, cpu, cpuacct, pids, freezer, blkio and
  // devices hierarchies (v1, and in the cpuset one only when `limits` has a cpuset; on hybrid
  // hosts also in the cgroup2 mount, for process tracking only)
  // or in the unified hierarchy (v2, where the memory, cpu and pids controllers are enabled in each
  // ancestor's cgroup.subtree_control), and applies `limits`. Missing controller for a limit:
  // kFailedPrecondition; bad path or limit: kInvalidArgument; an existing cgroup: kAlreadyExists.
  // On failure every directory this call created is removed again.
  static StatusOr<ContainerCgroup> Create(const CgroupLayout& layout, const std::string& parent,
                                          const std::string& name, const CgroupLimits& limits);
  // Slots: v1 cgroups made before their container is known. A helper process joins a slot
  // ahead of time, so the migration (which waits for an RCU grace period on v1) happens off
  // the critical path; AdoptV1Slot then renames the slot to the container's name (v1 allows
  // rename, cgroup2 does not), creates the cgroup2 directory on hybrid hosts (and the v1
  // cpuset cgroup for `limits` with a cpuset, which the payload then joins itself) and applies
  // `limits`. Neither exists on pure v2 hosts, where CLONE_INTO_CGROUP needs no migration.
  static StatusOr<ContainerCgroup> CreateV1Slot(const CgroupLayout& layout,
                                                const std::string& parent, const std::string& slot);
  static StatusOr<ContainerCgroup> AdoptV1Slot(const CgroupLayout& layout,
                                               const std::string& parent, const std::string& slot,
                                               const std::string& name, const CgroupLimits& limits);

  // A handle on an existing cgroup (after an agent restart); creates nothing. An invalid
  // parent or name gives a handle with no directories.
  static ContainerCgroup Open(const CgroupLayout& layout, const std::string& parent,
                              const std::string& name);

  // Absolute paths of the cgroup.procs files; a process joins by writing its pid ("0" = self)
  // to each.
  std::vector<std::string> ProcsFiles() const;
  Status AddProcess(pid_t pid) const;
  // From the memory (v1, hybrid) or unified (v2) cgroup.procs; empty if unreadable.
  std::vector<pid_t> Pids() const;
  // v1: memory.oom_control "oom_kill N" > 0; v2: memory.events "oom_kill N" > 0.
  bool OomKilled() const;
  // Changes limits of a live cgroup. Lowering memory below what is in use fails with
  // kFailedPrecondition (the kernel could not reclaim enough) and changes nothing else.
  Status UpdateLimits(const CgroupLimitsUpdate& update) const;
  StatusOr<CgroupStats> ReadStats() const;
  // Freezes every task (v1 freezer, else cgroup.freeze) and waits until they are frozen.
  Status Freeze() const;
  // Thaws a frozen cgroup; a thawed one is left alone.
  Status Thaw() const;
  bool Frozen() const;
  // SIGKILLs every process inside (cgroup.kill where the kernel has it), thaws a frozen cgroup
  // so the kills land, and waits briefly until the cgroup is empty.
  Status KillAll() const;
  // rmdir in every hierarchy (child cgroups first), retrying for up to ~1 s while exiting
  // tasks keep a directory busy. Missing directories are fine.
  // rmdir of every directory, nothing else: true when all are gone, which they only can be
  // with no process or child cgroup left in them (the usual case after an exit, and ~0.2 ms
  // cheaper than KillAll + Remove). On false, what is left needs KillAll and Remove.
  bool RemoveIfEmpty() const;
  Status Remove() const;
  const std::vector<std::string>& directories() const { return directories_; }
  // The cgroup2 directory (v2, hybrid; also one of directories()), empty on v1: a target for
  // clone3(CLONE_INTO_CGROUP).
  const std::string& unified_directory() const { return unified_directory_; }
  // The cgroup.procs file of the v1 cpuset cgroup this handle made (Create or AdoptV1Slot
  // with a cpuset), or "".
  std::string MadeV1CpusetProcsFile() const {
    auto cpuset = v1_directories_.find("cpuset");
    return cpuset == v1_directories_.end() ? "" : cpuset->second + "/cgroup.procs";
  }

 private:
  ContainerCgroup(CgroupMode mode, std::vector<std::string> mounts,
                  std::vector<std::string> directories,
                  std::map<std::string, std::string> v1_directories, std::string unified_directory);

  Status MakeDirectories(const std::string& parent, const std::string& name,
                         std::vector<std::string>* created) const;
  // v1 and hybrid: <cpuset mount>/<parent>/<name>, made only for a container given a cpuset,
  // with the sets its ancestors lack copied down (cgroups/cpuset.h).
  Status MakeV1Cpuset(const std::string& parent, const std::string& name,
                      const CgroupLimits& limits, std::vector<std::string>* created);
  // UpdateLimits of cpuset.cpus / cpuset.mems; on v1 a container that had no cpuset cgroup gets
  // one and its processes are moved into it.
  Status UpdateCpuset(const std::optional<std::string>& cpus,
                      const std::optional<std::string>& mems) const;
  // The directories cleanup walks: directories() and, on v1 hosts, the cpuset one that only
  // some containers have (a missing one is fine).
  std::vector<std::string> DirectoriesToRemove() const;
  Status ApplyLimits(const CgroupLimits& limits,
                     const std::map<std::string, std::string>& enable_errors) const;
  // v1 devices controller, else a BPF program on the cgroup2 directory.
  Status ApplyDeviceRules(const std::vector<DeviceRule>& rules) const;
  std::vector<pid_t> PidsInAnyHierarchy() const;
  // The directory holding `controller`'s files (v1 hierarchy or the unified one), or why
  // there is none; `field` names the request field in the message.
  StatusOr<std::string> ControllerDirectory(
      const std::string& field, const std::string& controller,
      const std::map<std::string, std::string>& enable_errors = {}) const;

  CgroupMode mode_;
  std::vector<std::string> mounts_;       // one per hierarchy, parallel to directories_
  std::vector<std::string> directories_;  // <mount>/<parent>/<name>
  std::map<std::string, std::string> v1_directories_;  // controller -> directory (v1, hybrid)
  std::string unified_directory_;                      // cgroup2 directory, empty on v1
  // v1 cpuset hierarchy: its mount and this cgroup's directory there (which exists only for a
  // container given a cpuset); empty on pure v2 or without the hierarchy.
  std::string cpuset_mount_;
  std::string cpuset_directory_;
};

// Relative, [A-Za-z0-9_.-/] only, no "..", no empty or "." components. `field` names the
// argument in the message.
Status ValidateCgroupPath(const std::string& path, const std::string& field);

// Removes <mount>/<parent> in every hierarchy when it is empty (EBUSY/ENOTEMPTY are ignored).
// Only the last component: with parent "a/b", <mount>/a stays. Used by tests and at shutdown.
Status RemoveCgroupParentIfEmpty(const CgroupLayout& layout, const std::string& parent);

}  // namespace boxcar
