#include "cli/resource_tuning_flags.h"

#include <algorithm>
#include <cstdint>

#include "cli/human_format.h"

namespace boxcar::cli {

namespace {

// --memory-swap: a size, or -1 for unlimited swap.
StatusOr<int64_t> ParseMemorySwap(const std::string& text) {
  if (text == "-1") return int64_t{-1};
  auto bytes = text == "0" ? std::optional<uint64_t>(0) : ParseByteSize(text);
  if (!bytes || *bytes > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgument("--memory-swap '" + text +
                           "' is not a size or -1; use e.g. 128m, 1g or -1 (unlimited swap)");
  }
  return static_cast<int64_t>(*bytes);
}

StatusOr<uint64_t> ParseReservation(const std::string& text) {
  auto bytes = text == "0" ? std::optional<uint64_t>(0) : ParseByteSize(text);
  if (!bytes) {
    return InvalidArgument("--memory-reservation '" + text + "' is not a size; use e.g. 32m");
  }
  return *bytes;
}

// A value for an unsigned field: negatives (other than the flag's own "unset") are refused
// here, as the request cannot carry them.
StatusOr<uint64_t> NonNegative(const char* flag, int64_t value) {
  if (value < 0) {
    return InvalidArgument(std::string(flag) + " '" + std::to_string(value) +
                           "' must not be negative");
  }
  return static_cast<uint64_t>(value);
}

void AddSharedFlags(CLI::App* command, ResourceTuningFlags& flags) {
  command->add_option("--memory-swap", flags.memory_swap,
                      "Memory plus swap limit, at least --memory (e.g. 128m; -1: unlimited swap; "
                      "default with -m: twice -m; equal to -m: no swap)");
  command->add_option("--memory-reservation", flags.memory_reservation,
                      "Soft memory limit, reclaimed down to under host memory pressure (e.g. 32m)");
  command->add_option("--blkio-weight", flags.blkio_weight,
                      "Relative block I/O weight, 10-1000 (needs a scheduler with weights, BFQ)");
  command->add_option("--cpu-period", flags.cpu_period,
                      "CFS scheduler period in microseconds (1000-1000000; with --cpu-quota)");
  command->add_option("--cpu-quota", flags.cpu_quota,
                      "CPU time in microseconds per --cpu-period (at least 1000; -1: none)");
}

}  // namespace

void AddResourceTuningFlags(CLI::App* command, ResourceTuningFlags& flags) {
  AddSharedFlags(command, flags);
  command->add_option("--memory-swappiness", flags.memory_swappiness,
                      "How readily the container's memory is swapped, 0-100 (cgroup v1 only)");
  command->add_flag("--oom-kill-disable", flags.oom_kill_disable,
                    "Do not OOM-kill the container's processes at --memory (cgroup v1 only)");
  command->add_option("--oom-score-adj", flags.oom_score_adj,
                      "OOM score adjustment of the payload and its execs, -1000-1000");
}

Status ApplyResourceTuningFlags(const ResourceTuningFlags& flags, v1::ContainerSpec* spec) {
  v1::ResourceLimits& limits = *spec->mutable_limits();
  if (!flags.memory_swap.empty()) {
    ASSIGN_OR_RETURN(int64_t swap, ParseMemorySwap(flags.memory_swap));
    limits.set_memory_swap_bytes(swap);
  }
  if (!flags.memory_reservation.empty()) {
    ASSIGN_OR_RETURN(uint64_t bytes, ParseReservation(flags.memory_reservation));
    limits.set_memory_reservation_bytes(bytes);
  }
  // -1 is Docker's "the host's swappiness": the field stays unset.
  if (flags.memory_swappiness && *flags.memory_swappiness != -1) {
    ASSIGN_OR_RETURN(uint64_t swappiness,
                     NonNegative("--memory-swappiness", *flags.memory_swappiness));
    limits.set_memory_swappiness(static_cast<uint32_t>(std::min<uint64_t>(swappiness, UINT32_MAX)));
  }
  if (flags.blkio_weight) {
    ASSIGN_OR_RETURN(uint64_t weight, NonNegative("--blkio-weight", *flags.blkio_weight));
    limits.set_blkio_weight(static_cast<uint32_t>(std::min<uint64_t>(weight, UINT32_MAX)));
  }
  if (flags.cpu_period) {
    ASSIGN_OR_RETURN(uint64_t period, NonNegative("--cpu-period", *flags.cpu_period));
    limits.set_cpu_period_us(period);
  }
  if (flags.cpu_quota) limits.set_cpu_quota_us(*flags.cpu_quota);
  spec->set_oom_kill_disable(flags.oom_kill_disable);
  if (flags.oom_score_adj) {
    const int64_t adj = *flags.oom_score_adj;
    // Out-of-range values still reach the agent (which names the field), clamped to int32.
    spec->set_oom_score_adj(static_cast<int32_t>(std::clamp<int64_t>(adj, INT32_MIN, INT32_MAX)));
  }
  return OkStatus();
}

void AddUpdateTuningFlags(CLI::App* command, ResourceTuningFlags& flags) {
  AddSharedFlags(command, flags);
}

Status ApplyUpdateTuningFlags(const ResourceTuningFlags& flags,
                              v1::UpdateContainerRequest* request) {
  if (!flags.memory_swap.empty()) {
    ASSIGN_OR_RETURN(int64_t swap, ParseMemorySwap(flags.memory_swap));
    // As `docker update`: 0 is "not set", the swap limit stays (the request's 0 would be "no
    // swap beyond memory").
    if (swap != 0) request->set_memory_swap_bytes(swap);
  }
  if (!flags.memory_reservation.empty()) {
    ASSIGN_OR_RETURN(uint64_t bytes, ParseReservation(flags.memory_reservation));
    request->set_memory_reservation_bytes(bytes);
  }
  if (flags.blkio_weight) {
    ASSIGN_OR_RETURN(uint64_t weight, NonNegative("--blkio-weight", *flags.blkio_weight));
    request->set_blkio_weight(static_cast<uint32_t>(std::min<uint64_t>(weight, UINT32_MAX)));
  }
  if (flags.cpu_period) {
    ASSIGN_OR_RETURN(uint64_t period, NonNegative("--cpu-period", *flags.cpu_period));
    request->set_cpu_period_us(period);
  }
  if (flags.cpu_quota) request->set_cpu_quota_us(*flags.cpu_quota);
  return OkStatus();
}

bool ChangesTuning(const v1::UpdateContainerRequest& request) {
  return request.has_memory_swap_bytes() || request.has_memory_reservation_bytes() ||
         request.has_blkio_weight() || request.has_cpu_period_us() || request.has_cpu_quota_us();
}

}  // namespace boxcar::cli
