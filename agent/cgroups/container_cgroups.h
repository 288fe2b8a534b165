// The cgroup side of a container as the container service sees it; a seam for unit tests
// (the real one is HostContainerCgroups over agent/cgroups).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "cgroups/container_cgroup.h"
#include "common/status.h"

namespace boxcar {

// Slot cgroups are named "slot-<agent instance id>-<random>" under the agent's parent, which
// other agents may share: each agent adopts and removes only the slots its prefix names.
inline constexpr const char* kSlotPrefix = "slot-";
inline std::string SlotPrefixOf(const std::string& agent_instance_id) {
  return kSlotPrefix + agent_instance_id + "-";
}

// What a container asks of its cgroups: the cgroup code's own limits.
using ContainerLimits = CgroupLimits;

// How a payload enters its cgroups.
struct CgroupPlacement {
  std::string clone_into_dir;            // cgroup2 directory for CLONE_INTO_CGROUP, or empty
  std::vector<std::string> procs_files;  // cgroup.procs files the payload joins itself (v1)
};

class ContainerCgroups {
 public:
  virtual ~ContainerCgroups() = default;
  // Creates the container's cgroups with `limits`.
  virtual StatusOr<CgroupPlacement> Create(const std::string& container_id,
                                           const ContainerLimits& limits) = 0;
  // Whether this host can apply `limits` at all (controllers, swap accounting, weight files,
  // v1-only knobs), for Create to refuse what Start could not do; FAILED_PRECONDITION naming
  // the field.
  virtual Status CheckSupported(const ContainerLimits& limits) const { return OkStatus(); }
  // Whether swap can be limited per container here (cgroup_tuning.h AccountsSwap): what a
  // memory limit without a swap one defaults to depends on it.
  virtual bool AccountsSwap() const { return false; }
  virtual bool OomKilled(const std::string& container_id) = 0;
  // Lifecycle of a live container: freezer, usage and limit changes (see ContainerCgroup).
  virtual Status Freeze(const std::string& container_id) = 0;
  virtual Status Thaw(const std::string& container_id) = 0;
  virtual StatusOr<CgroupStats> Stats(const std::string& container_id) = 0;
  virtual Status UpdateLimits(const std::string& container_id,
                              const CgroupLimitsUpdate& update) = 0;
  // Kills whatever is left inside and removes the cgroups; missing ones are fine.
  virtual Status Destroy(const std::string& container_id) = 0;
  // Slots (v1 and hybrid hosts): cgroups made, and joined by a helper process, before their
  // container is known, so the slow v1 migration is paid ahead of time. See
  // ContainerCgroup::CreateV1Slot.
  virtual bool SupportsSlots() const { return false; }
  // Creates slot `slot` and moves `pid` into it.
  virtual Status CreateSlot(const std::string& slot, pid_t pid) {
    return Unimplemented("cgroup slots are not supported here");
  }
  // Turns the slot into the cgroups of `container_id` with `limits`. The slot's helper stays
  // inside, so pids_max is raised by one for it.
  virtual StatusOr<CgroupPlacement> AdoptSlot(const std::string& slot,
                                              const std::string& container_id,
                                              const ContainerLimits& limits) {
    return Unimplemented("cgroup slots are not supported here");
  }
  // Removes a slot (killing anything inside); missing is fine.
  virtual Status RemoveSlot(const std::string& slot) { return OkStatus(); }
  // Start-up clean-up: removes the slots named `own_prefix` (this agent's, left by its last
  // run, helpers killed), and of the other slots only those that are empty (their helper is
  // gone: an agent that died, or an agent of an older version) and at least a minute old (a
  // live agent's slot is empty between its mkdir and its helper joining it), by plain rmdir,
  // which cannot take a live agent's slot away. Also the final sweep of a stopping agent.
  virtual Status RemoveStaleSlots(const std::string& own_prefix) { return OkStatus(); }
  // "v1", "v2" or "hybrid".
  virtual std::string ModeName() const = 0;
  virtual const std::string& parent() const = 0;
};

}  // namespace boxcar
