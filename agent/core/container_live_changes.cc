// Changes to a live container: pause and unpause (freezer), usage, limits and restart policy.
#include <spdlog/spdlog.h>

#include "cgroups/cpuset.h"
#include "common/identifiers.h"
#include "common/unix_time.h"
#include "core/container_resource_tuning.h"
#include "core/container_service.h"
#include "core/container_spec_validation.h"
#include "core/container_states.h"

namespace boxcar {

Status ContainerService::ThawIfPaused(Entry& entry) {
  if (entry.record.state() != v1::CONTAINER_STATE_PAUSED) return OkStatus();
  RETURN_IF_ERROR(cgroups_->Thaw(entry.record.id()));
  entry.record.set_state(v1::CONTAINER_STATE_RUNNING);
  RETURN_IF_ERROR(Persist(entry));
  Emit(v1::EVENT_TYPE_UNPAUSED, entry.record);
  entry.changed.notify_all();
  return OkStatus();
}

StatusOr<v1::Container> ContainerService::Pause(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  if (record.state() == v1::CONTAINER_STATE_PAUSED) {
    return FailedPrecondition("container: " + record.name() + " is already paused");
  }
  if (record.state() != v1::CONTAINER_STATE_RUNNING) {
    return NotRunning(record.name());
  }
  RETURN_IF_ERROR(BackendFor(record, Capability::kPause, "pause").status());
  RETURN_IF_ERROR(cgroups_->Freeze(record.id()));
  record.set_state(v1::CONTAINER_STATE_PAUSED);
  RETURN_IF_ERROR(Persist(*entry));
  spdlog::info("container {} paused", ShortId(record.id()));
  Emit(v1::EVENT_TYPE_PAUSED, record);
  entry->changed.notify_all();
  return record;
}

StatusOr<v1::Container> ContainerService::Unpause(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (entry->record.state() != v1::CONTAINER_STATE_PAUSED) {
    return FailedPrecondition("container: " + entry->record.name() + " is not paused");
  }
  RETURN_IF_ERROR(ThawIfPaused(*entry));
  spdlog::info("container {} unpaused", ShortId(entry->record.id()));
  return entry->record;
}

StatusOr<v1::ContainerStats> ContainerService::Stats(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  const v1::Container& record = entry->record;
  if (!IsLive(record.state())) {
    return FailedPrecondition("container: " + record.name() +
                              " is not running; stats exist only while it runs");
  }
  RETURN_IF_ERROR(BackendFor(record, Capability::kLimits, "stats").status());
  ASSIGN_OR_RETURN(CgroupStats usage, cgroups_->Stats(record.id()));
  const uint64_t helpers = record.cgroup_helper_processes();
  v1::ContainerStats stats;
  stats.set_id(record.id());
  stats.set_read_unix_ns(NowUnixNs());
  stats.set_cpu_usage_ns(usage.cpu_usage_ns);
  stats.set_memory_usage_bytes(usage.memory_usage_bytes);
  stats.set_memory_limit_bytes(usage.memory_limit_bytes);
  stats.set_pids_current(usage.pids_current > helpers ? usage.pids_current - helpers : 0);
  stats.set_pids_limit(usage.pids_limit > helpers ? usage.pids_limit - helpers : 0);
  stats.set_block_read_bytes(usage.block_read_bytes);
  stats.set_block_write_bytes(usage.block_write_bytes);
  return stats;
}

StatusOr<v1::Container> ContainerService::Update(const v1::UpdateContainerRequest& request) {
  RETURN_IF_ERROR(ValidateLimitValues("limits", request.memory_bytes(), request.cpu_millis(),
                                      request.pids_max(), request.cpu_shares()));
  if (request.has_restart_policy()) {
    RETURN_IF_ERROR(ValidateRestartPolicy(request.restart_policy(), "restart_policy"));
  }
  RETURN_IF_ERROR(CheckCpusetCpus(request.cpuset_cpus(), "cpuset_cpus"));
  RETURN_IF_ERROR(CheckCpusetMems(request.cpuset_mems(), "cpuset_mems"));
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(request.container()));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  const bool changes_limits = request.has_memory_bytes() || request.has_cpu_millis() ||
                              request.has_pids_max() || request.has_cpu_shares() ||
                              request.has_cpuset_cpus() || request.has_cpuset_mems() ||
                              ChangesResourceTuning(request);
  if (changes_limits) RETURN_IF_ERROR(BackendFor(record, Capability::kLimits, "limits").status());
  // Memory, CPU and the finer knobs checked together against what the container has.
  v1::ResourceLimits next_limits = record.spec().limits();
  CgroupLimitsUpdate update;
  const bool accounts_swap =
      (request.has_memory_bytes() || request.has_memory_swap_bytes()) && cgroups_->AccountsSwap();
  RETURN_IF_ERROR(ApplyTuningUpdate(request, accounts_swap, &next_limits, &update));
  if (changes_limits && IsLive(record.state())) {
    if (request.has_cpu_millis()) update.cpu_millis = request.cpu_millis();
    if (request.has_cpu_shares()) update.cpu_shares = request.cpu_shares();
    if (request.has_cpuset_cpus()) update.cpuset_cpus = request.cpuset_cpus();
    if (request.has_cpuset_mems()) update.cpuset_mems = request.cpuset_mems();
    if (request.has_pids_max()) {
      update.pids_max =
          request.pids_max() == 0 ? 0 : request.pids_max() + record.cgroup_helper_processes();
    }
    RETURN_IF_ERROR(cgroups_->UpdateLimits(record.id(), update));
  }
  v1::ResourceLimits& limits = *record.mutable_spec()->mutable_limits();
  limits = next_limits;
  if (request.has_cpu_shares()) limits.set_cpu_shares(request.cpu_shares());
  if (request.has_pids_max()) limits.set_pids_max(request.pids_max());
  if (request.has_cpuset_cpus()) limits.set_cpuset_cpus(request.cpuset_cpus());
  if (request.has_cpuset_mems()) limits.set_cpuset_mems(request.cpuset_mems());
  if (request.has_restart_policy()) {
    *record.mutable_spec()->mutable_restart_policy() = request.restart_policy();
  }
  RETURN_IF_ERROR(Persist(*entry));
  spdlog::info("container {} updated", ShortId(record.id()));
  Emit(v1::EVENT_TYPE_UPDATED, record);
  return record;
}

}  // namespace boxcar
