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

int64_t DefaultMemorySwap(uint64_t memory_bytes, bool accounts_swap) {
  if (memory_bytes == 0) return 0;
  if (!accounts_swap || memory_bytes > static_cast<uint64_t>(INT64_MAX) / 2) return -1;
  return static_cast<int64_t>(memory_bytes * 2);
}

void FillDefaultMemorySwap(bool accounts_swap, v1::ResourceLimits* limits) {
  if (limits->memory_bytes() == 0 || limits->memory_swap_bytes() != 0) return;
  limits->set_memory_swap_bytes(DefaultMemorySwap(limits->memory_bytes(), accounts_swap));
}

bool ChangesResourceTuning(const v1::UpdateContainerRequest& request) {
  return request.has_memory_swap_bytes() || request.has_memory_reservation_bytes() ||
         request.has_blkio_weight() || request.has_cpu_period_us() || request.has_cpu_quota_us();
}

Status ApplyTuningUpdate(const v1::UpdateContainerRequest& request, bool accounts_swap,
                         v1::ResourceLimits* limits, CgroupLimitsUpdate* update) {
  v1::ResourceLimits next = *limits;
  if (request.has_memory_bytes()) {
    const uint64_t memory = request.memory_bytes();
    next.set_memory_bytes(memory);
    const int64_t kept_swap = limits->memory_swap_bytes();
    // No memory limit, no swap limit (Docker's swap limit needs a memory limit).
    if (memory == 0 && !request.has_memory_swap_bytes()) next.set_memory_swap_bytes(0);
    // Docker's update: a memory+swap limit below the new memory is replaced only when there
    // was none; -1 stays; any other is refused.
    if (memory != 0 && !request.has_memory_swap_bytes()) {
      if (kept_swap == 0) next.set_memory_swap_bytes(DefaultMemorySwap(memory, accounts_swap));
      if (kept_swap > 0 && memory > static_cast<uint64_t>(kept_swap)) {
        return InvalidArgument(
            "limits.memory_swap_bytes: the memory+swap limit the container "
            "keeps (" +
            std::to_string(kept_swap) + ") is below the new memory limit (" +
            std::to_string(memory) + "); give --memory-swap too (at least --memory, or -1)");
      }
    }
  }
  if (request.has_cpu_millis()) next.set_cpu_millis(request.cpu_millis());
  if (request.has_memory_swap_bytes()) {
    // 0 on the wire is "no swap on top": stored as the memory limit (-1 where swap is not
    // accounted, so nothing can be limited), not to be taken for "none given" by a later update.
    int64_t swap = request.memory_swap_bytes();
    if (swap == 0 && next.memory_bytes() != 0) {
      swap = accounts_swap ? static_cast<int64_t>(next.memory_bytes()) : -1;
    }
    next.set_memory_swap_bytes(swap);
  }
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
