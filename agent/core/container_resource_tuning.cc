#include "core/container_resource_tuning.h"

#include "cgroups/cgroup_tuning.h"

namespace boxcar {

namespace {

// The knobs of `limits` (and what they are checked against) as the cgroup code takes them.
CgroupLimits CgroupTuningOf(const v1::ResourceLimits& limits) {
  CgroupLimits tuning;
  tuning.memory_bytes = limits.memory_bytes();
  tuning.cpu_millis = limits.cpu_millis();
  tuning.memory_swap_bytes = limits.memory_swap_bytes();
  tuning.memory_reservation_bytes = limits.memory_reservation_bytes();
  if (limits.has_memory_swappiness()) tuning.memory_swappiness = limits.memory_swappiness();
  tuning.blkio_weight = limits.blkio_weight();
  tuning.cpu_period_us = limits.cpu_period_us();
  tuning.cpu_quota_us = limits.cpu_quota_us();
  return tuning;
}

}  // namespace

Status ValidateResourceTuning(const v1::ContainerSpec& spec) {
  RETURN_IF_ERROR(CheckTuningValues(CgroupTuningOf(spec.limits()), "spec.limits"));
  if (spec.oom_kill_disable() && spec.limits().memory_bytes() == 0) {
    return InvalidArgument(
        "spec.oom_kill_disable: turning the OOM killer off without a memory limit (--memory) "
        "lets the container take all of the host's memory; give a limit too");
  }
  if (spec.has_oom_score_adj() &&
      (spec.oom_score_adj() < kMinOomScoreAdj || spec.oom_score_adj() > kMaxOomScoreAdj)) {
    return InvalidArgument("spec.oom_score_adj: " + std::to_string(spec.oom_score_adj()) +
                           " is outside -1000..1000");
  }
  return OkStatus();
}

bool UsesResourceTuning(const v1::ContainerSpec& spec) {
  const v1::ResourceLimits& limits = spec.limits();
  return limits.memory_swap_bytes() != 0 || limits.memory_reservation_bytes() != 0 ||
         limits.has_memory_swappiness() || limits.blkio_weight() != 0 ||
         limits.cpu_period_us() != 0 || limits.cpu_quota_us() > 0 || spec.oom_kill_disable();
}

void AddResourceTuning(const v1::ContainerSpec& spec, CgroupLimits* limits) {
  const CgroupLimits tuning = CgroupTuningOf(spec.limits());
  limits->memory_swap_bytes = tuning.memory_swap_bytes;
  limits->memory_reservation_bytes = tuning.memory_reservation_bytes;
  limits->memory_swappiness = tuning.memory_swappiness;
  limits->blkio_weight = tuning.blkio_weight;
  limits->cpu_period_us = tuning.cpu_period_us;
  limits->cpu_quota_us = tuning.cpu_quota_us;
  limits->oom_kill_disable = spec.oom_kill_disable();
}

CgroupLimits TuningLimitsOf(const v1::ContainerSpec& spec) {
  CgroupLimits limits;
  limits.memory_bytes = spec.limits().memory_bytes();
  AddResourceTuning(spec, &limits);
  return limits;
}

bool ChangesResourceTuning(const v1::UpdateContainerRequest& request) {
  return request.has_memory_swap_bytes() || request.has_memory_reservation_bytes() ||
         request.has_blkio_weight() || request.has_cpu_period_us() || request.has_cpu_quota_us();
}

Status ApplyTuningUpdate(const v1::UpdateContainerRequest& request, v1::ResourceLimits* limits,
                         CgroupLimitsUpdate* update) {
  v1::ResourceLimits next = *limits;
  if (request.has_memory_bytes()) {
    next.set_memory_bytes(request.memory_bytes());
    // No memory limit, no swap limit (Docker's swap limit needs a memory limit).
    if (request.memory_bytes() == 0 && !request.has_memory_swap_bytes()) {
      next.set_memory_swap_bytes(0);
    }
  }
  if (request.has_cpu_millis()) next.set_cpu_millis(request.cpu_millis());
  if (request.has_memory_swap_bytes()) next.set_memory_swap_bytes(request.memory_swap_bytes());
  if (request.has_memory_reservation_bytes()) {
    next.set_memory_reservation_bytes(request.memory_reservation_bytes());
  }
  if (request.has_blkio_weight()) next.set_blkio_weight(request.blkio_weight());
  if (request.has_cpu_period_us()) next.set_cpu_period_us(request.cpu_period_us());
  if (request.has_cpu_quota_us()) next.set_cpu_quota_us(request.cpu_quota_us());
  RETURN_IF_ERROR(CheckTuningValues(CgroupTuningOf(next), "limits"));

  if (request.has_memory_bytes() || request.has_memory_swap_bytes()) {
    update->memory_bytes = next.memory_bytes();
    update->memory_swap_bytes = next.memory_swap_bytes();
  }
  if (request.has_memory_reservation_bytes()) {
    update->memory_reservation_bytes = next.memory_reservation_bytes();
  }
  if (request.has_blkio_weight()) update->blkio_weight = next.blkio_weight();
  if (request.has_cpu_period_us() || request.has_cpu_quota_us()) {
    update->cpu_period_us = next.cpu_period_us();
    update->cpu_quota_us = next.cpu_quota_us();
  }
  *limits = next;
  return OkStatus();
}

}  // namespace boxcar
