// Exec: one more process inside a running container.
#include <spdlog/spdlog.h>

#include "cgroups/process_cgroups.h"
#include "common/identifiers.h"
#include "common/process_start_time.h"
#include "common/unix_time.h"
#include "core/container_capabilities.h"
#include "core/container_security_options.h"
#include "core/container_service.h"
#include "core/container_spec_validation.h"
#include "core/container_states.h"
#include "core/env_merge.h"

namespace boxcar {

StatusOr<std::unique_ptr<ExecSession>> ContainerService::Exec(const std::string& container,
                                                              const v1::ExecSpec& spec,
                                                              int* exit_code_hint, bool announce) {
  if (spec.command().empty() || spec.command(0).empty()) {
    return InvalidArgument("start.spec.command: a command to run is required");
  }
  if (!spec.working_dir().empty()) {
    RETURN_IF_ERROR(ValidateAbsolutePath(spec.working_dir(), "start.spec.working_dir"));
  }
  RETURN_IF_ERROR(CheckEnvEntries(spec.env(), "start.spec.env"));
  RETURN_IF_ERROR(CheckUserSpec(spec.user(), "start.spec.user"));
  if (spec.terminal_size().rows() > 0xffff || spec.terminal_size().columns() > 0xffff) {
    return InvalidArgument("start.spec.terminal_size: rows and columns are at most 65535");
  }
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container, "start.container"));
  ExecSpec exec;
  Backend* backend = nullptr;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    const v1::Container& record = entry->record;
    if (record.state() == v1::CONTAINER_STATE_PAUSED) {
      return FailedPrecondition("container: " + record.name() +
                                " is paused; resume it first (boxcar unpause)");
    }
    if (record.state() != v1::CONTAINER_STATE_RUNNING) {
      return NotRunning(record.name());
    }
    ASSIGN_OR_RETURN(backend, BackendFor(record, Capability::kExec, "exec"));
    exec.container_id = record.id();
    exec.init_pid = record.pid();
    ASSIGN_OR_RETURN(exec.init_start_ticks, ReadProcessStartTicks(record.pid()));
    exec.argv.assign(spec.command().begin(), spec.command().end());
    exec.env = MergeEnv(record.spec().env(), spec.env());
    exec.working_dir =
        spec.working_dir().empty() ? record.spec().working_dir() : spec.working_dir();
    exec.user = spec.user().empty() ? record.spec().user() : spec.user();
    exec.group_add.assign(record.spec().group_add().begin(), record.spec().group_add().end());
    ASSIGN_OR_RETURN(exec.kept_capabilities, KeptCapabilitiesOf(record.spec()));
    ASSIGN_OR_RETURN(exec.confinement, ConfinementOf(record.spec()));
    if (record.spec().has_oom_score_adj()) exec.oom_score_adj = record.spec().oom_score_adj();
    exec.tty = spec.tty();
    exec.tty_rows =
        static_cast<uint16_t>(spec.terminal_size().rows() ? spec.terminal_size().rows() : 24);
    exec.tty_cols =
        static_cast<uint16_t>(spec.terminal_size().columns() ? spec.terminal_size().columns() : 80);
    for (const auto& rlimit : record.spec().rlimits()) {
      exec.rlimits.push_back({rlimit.name(), rlimit.soft(), rlimit.hard()});
    }
  }
  ASSIGN_OR_RETURN(exec.cgroup_procs_files, CgroupProcsFilesToJoin(exec.init_pid));
  // Outside the container's lock: the process may run for long, and Stop must still work.
  ASSIGN_OR_RETURN(std::unique_ptr<ExecSession> session, backend->Exec(exec, exit_code_hint));
  if (!announce) return session;
  v1::ContainerEvent event;
  event.set_type(v1::EVENT_TYPE_EXEC_STARTED);
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    event.set_id(entry->record.id());
    event.set_name(entry->record.name());
  }
  event.set_unix_ns(NowUnixNs());
  event.mutable_argv()->Add(spec.command().begin(), spec.command().end());
  events_.Publish(event);
  spdlog::info("container {}: exec {} (pid {})", ShortId(exec.container_id), exec.argv[0],
               session->pid());
  return session;
}

}  // namespace boxcar
