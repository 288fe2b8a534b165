// One container's cgroup in every hierarchy that matters: created with its limits, joined by
// the payload, checked for OOM kills, emptied and removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cgroups/cgroup_layout.h"

namespace boxcar {

struct CgroupLimits {
  uint64_t memory_bytes = 0;  // 0 = unlimited; swap is limited to the same (none extra)
  uint64_t cpu_millis = 0;    // thousandths of a CPU
  uint64_t pids_max = 0;
};

class ContainerCgroup {
 public:
  // Creates <mount>/<parent>/<name> in the memory, cpu, cpuacct, pids, freezer and blkio
  // hierarchies (v1; on hybrid hosts also in the cgroup2 mount, for tracking) or in the
  // unified hierarchy (v2), and applies `limits`. On failure nothing is left behind.
  static StatusOr<ContainerCgroup> Create(const CgroupLayout& layout, const std::string& parent,
                                          const std::string& name, const CgroupLimits& limits);
  // A handle on an existing cgroup (after an agent restart); creates nothing.
  static ContainerCgroup Open(const CgroupLayout& layout, const std::string& parent, const std::string& name);

  std::vector<std::string> ProcsFiles() const;
  Status AddProcess(pid_t pid) const;
  std::vector<pid_t> Pids() const;
  bool OomKilled() const;
  // SIGKILLs every process inside (cgroup.kill where the kernel has it).
  Status KillAll() const;
  // Removes every directory, retrying briefly while exiting tasks keep it busy.
  Status Remove() const;
  const std::vector<std::string>& directories() const { return directories_; }

 private:
  ContainerCgroup(CgroupMode mode, std::vector<std::string> directories, std::string memory_dir,
                  std::string unified_dir)
      : mode_(mode), directories_(std::move(directories)), memory_dir_(std::move(memory_dir)),
        unified_dir_(std::move(unified_dir)) {}

  CgroupMode mode_;
  std::vector<std::string> directories_;
  std::string memory_dir_;   // v1 memory cgroup, empty on v2
  std::string unified_dir_;  // cgroup2 directory, empty on v1
};

// Validates a cgroup path component list: relative, no "..", [A-Za-z0-9_.-/] only.
Status ValidateCgroupPath(const std::string& path, const std::string& field);

// Removes <mount>/<parent> (and its own empty parents up to the mount) in every hierarchy.
Status RemoveCgroupParentIfEmpty(const CgroupLayout& layout, const std::string& parent);

}  // namespace boxcar
