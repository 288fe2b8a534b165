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

// Update: `limits` (the container's) changed by `request`'s memory, CPU and tuning fields,
// checked as a whole (errors name "limits.<field>"), and what to write to a live cgroup:
// memory and swap together when either changes (a swap limit below a lowered memory limit is
// refused; unlimited memory drops the swap limit), period and quota together.
Status ApplyTuningUpdate(const v1::UpdateContainerRequest& request, v1::ResourceLimits* limits,
                         CgroupLimitsUpdate* update);
// True when `request` changes one of the tuning fields.
bool ChangesResourceTuning(const v1::UpdateContainerRequest& request);

}  // namespace boxcar
