// The cgroup side of a container as the container service sees it; a seam for unit tests
// (the real one is HostContainerCgroups over agent/cgroups).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct ContainerLimits {
  uint64_t memory_bytes = 0;
  uint64_t cpu_millis = 0;
  uint64_t pids_max = 0;
};

// How a payload enters its cgroups.
struct CgroupPlacement {
  std::string clone_into_dir;            // cgroup2 directory for CLONE_INTO_CGROUP, or empty
  std::vector<std::string> procs_files;  // cgroup.procs files the payload joins itself (v1)
};

class ContainerCgroups {
 public:
  virtual ~ContainerCgroups() = default;
  // Creates the container's cgroups with `limits`.
  virtual StatusOr<CgroupPlacement> Create(const std::string& container_id, const ContainerLimits& limits) = 0;
  virtual bool OomKilled(const std::string& container_id) = 0;
  // Kills whatever is left inside and removes the cgroups; missing ones are fine.
  virtual Status Destroy(const std::string& container_id) = 0;
  // "v1", "v2" or "hybrid".
  virtual std::string ModeName() const = 0;
  virtual const std::string& parent() const = 0;
};

}  // namespace boxcar
