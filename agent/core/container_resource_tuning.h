// Docker's finer resource flags of a container (spec.limits' swap, reservation, swappiness,
// blkio weight, CFS period/quota; spec.oom_kill_disable, spec.oom_score_adj): their checks at
// Create, what they add to the container's cgroup limits at Start, and how Update changes them
// against what the container already has (cgroups/cgroup_tuning.h writes the files).
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "cgroups/cgroup_limits.h"
#include "common/status.h"

namespace boxcar {

// INVALID_ARGUMENT naming "spec.limits.<field>", "spec.oom_kill_disable" (needs a memory
// limit) or "spec.oom_score_adj" (-1000..1000).
Status ValidateResourceTuning(const v1::ContainerSpec& spec);
// True when the spec uses any of them (the limits capability and a host check are needed).
bool UsesResourceTuning(const v1::ContainerSpec& spec);
// The spec's knobs into `limits` (Start); leaves the other fields alone.
void AddResourceTuning(const v1::ContainerSpec& spec, CgroupLimits* limits);
// The cgroup limits a Create-time host check needs: memory and the knobs.
CgroupLimits TuningLimitsOf(const v1::ContainerSpec& spec);

// Docker's memory+swap for a memory limit given without one: twice the memory when the host
// accounts swap (`accounts_swap`, ContainerCgroups::AccountsSwap), else -1 (swap cannot be
// limited there: Docker's "memory limited without swap"); 0 without a memory limit.
int64_t DefaultMemorySwap(uint64_t memory_bytes, bool accounts_swap);
// Create: a memory limit without memory_swap_bytes gets DefaultMemorySwap, kept in the record
// (inspect shows it, as Docker's HostConfig.MemorySwap).
void FillDefaultMemorySwap(bool accounts_swap, v1::ResourceLimits* limits);

// Update: `limits` (the container's) changed by `request`'s memory, CPU and tuning fields,
// checked as a whole (errors name "limits.<field>"), and what to write to a live cgroup:
// memory and swap together when either changes, period and quota together. A new memory
// limit without a swap one keeps the memory+swap limit when it is at least the new memory,
// else (as Docker's update) gets DefaultMemorySwap when the container had none, stays -1, or
// is refused (give both); unlimited memory drops the swap limit; a swap of 0 with a memory
// limit stores the memory limit (no swap; -1 where swap is not accounted).
Status ApplyTuningUpdate(const v1::UpdateContainerRequest& request, bool accounts_swap,
                         v1::ResourceLimits* limits, CgroupLimitsUpdate* update);
// True when `request` changes one of the tuning fields.
bool ChangesResourceTuning(const v1::UpdateContainerRequest& request);

}  // namespace boxcar
