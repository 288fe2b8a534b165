// A container's exit: the record read, waiters woken, the clean-up after it, restarts.
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>

#include "common/identifiers.h"
#include "common/process_start_time.h"
#include "common/unix_time.h"
#include "core/container_service.h"
#include "core/container_states.h"
#include "launch/exit_record_reserve.h"
#include "launch/launch_spec.h"

namespace boxcar {

namespace {

constexpr auto kFirstRestartDelay = std::chrono::milliseconds(100);
constexpr auto kMaxRestartDelay = std::chrono::seconds(10);
constexpr auto kRestartResetAfter = std::chrono::seconds(10);

}  // namespace

void ContainerService::OnProcessExited(const std::string& id) {
  EntryPtr entry = FindById(id);
  if (!entry) return;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (!IsLive(entry->record.state())) return;
    FinishExit(*entry, /*defer_cleanup=*/true);
  }
  // Waiters have their answer. The rest of the exit's clean-up (recording the exit, the
  // unmount, the empty cgroups, a CNI network's DEL) runs now on the timer thread, outside
  // the job lock: a Remove meanwhile does its own work alongside and waits for it at the end,
  // a Start first.
  timers_.RunAt(TimerQueue::Clock::now(), [this, id] { CompleteExit(id); });
}

void ContainerService::OnBackendReportedExit(const std::string& id) {
  EntryPtr entry = FindById(id);
  if (!entry) return;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (!IsLive(entry->record.state())) return;  // the watch of the shim was first
    if (ProcessIsRunning(entry->shim_pid, entry->shim_start_ticks)) return;
    spdlog::debug("container {}: exit reported by its backend", ShortId(id));
    FinishExit(*entry, /*defer_cleanup=*/true);
  }
  timers_.RunAt(TimerQueue::Clock::now(), [this, id] { CompleteExit(id); });
}

void ContainerService::FinishExit(Entry& entry, bool defer_cleanup) {
  v1::Container& record = entry.record;
  const std::string& id = record.id();
  // Reap the shim when it is our child; after an agent restart it is not (ECHILD).
  if (entry.shim_pid > 0) ::waitpid(entry.shim_pid, nullptr, WNOHANG);

  auto exit_record = ReadExitRecord(StateDir(id) + kExitRecordFile);
  if (exit_record.ok()) {
    record.set_exit_code(exit_record->exit_code);
    record.set_exit_signal(exit_record->exit_signal);
    record.set_finished_unix_ns(exit_record->finished_unix_ns ? exit_record->finished_unix_ns
                                                              : NowUnixNs());
  } else {
    // The shim died before recording the exit (killed itself): the code is unknown.
    spdlog::warn("container {}: no exit record ({}); reporting exit code 255", ShortId(id),
                 exit_record.status().message());
    record.set_exit_code(255);
    record.set_finished_unix_ns(NowUnixNs());
  }
  record.set_oom_killed(cgroups_->OomKilled(id));
  // Whether or not the backend is available now (libvirtd may be away).
  if (auto backend = backends_.find(record.backend()); backend != backends_.end()) {
    backend->second->RunEnded(id);
  }
  entry.cgroups_pending = true;
  entry.exit_cleanup_pending = defer_cleanup;
  if (!defer_cleanup) {
    DestroyPendingCgroups(entry);
    WarnIfFailed(id, snapshotter_->Unmount(id));
  }
  DetachNetwork(record);
  if (!defer_cleanup) RunPendingNetworkDel(id);
  record.clear_published_ports();
  if (record.has_network_endpoint()) {
    NetworkService::EndpointAfterExit(record.spec().network(), record.mutable_network_endpoint());
  }
  record.set_state(v1::CONTAINER_STATE_EXITED);
  DisarmHealthCheck(entry);
  record.set_pid(0);
  entry.shim_pid = 0;
  entry.shim_start_ticks = 0;
  entry.init_pidfd.reset();
  if (!defer_cleanup) {
    if (Status persisted = Persist(entry); !persisted.ok())
      spdlog::error("{}", persisted.message());
  }
  spdlog::info("container {} exited with code {}{}", ShortId(id), record.exit_code(),
               record.oom_killed() ? " (OOM killed)" : "");
  if (record.oom_killed()) Emit(v1::EVENT_TYPE_OOM, record);
  Emit(v1::EVENT_TYPE_EXITED, record);
  entry.changed.notify_all();
  MaybeScheduleRestart(entry);
}

void ContainerService::CompleteExit(const std::string& id) {
  EntryPtr exited = FindById(id);
  if (!exited) {
    RunPendingNetworkDel(id);  // a `run --rm` removed it first
    return;
  }
  bool cleanup = false;
  bool remove = false;
  v1::Container record;
  {
    std::lock_guard<std::mutex> lock(exited->mutex);
    // Start and Remove take over a clean-up they find still pending.
    cleanup = exited->exit_cleanup_pending && !exited->removed;
    exited->exit_cleanup_pending = false;
    if (cleanup) {
      exited->cgroups_pending = false;  // destroyed below
      exited->exit_cleanup_running = true;
      record = exited->record;
    }
    // Asked by a caller gone away (RemoveOnExit), or by the spec (run -d --rm) unless this was
    // a restart's stop; never once started again meanwhile.
    remove = (exited->remove_on_exit ||
              (exited->record.spec().auto_remove() && !exited->kept_for_restart)) &&
             !exited->removed && exited->record.state() == v1::CONTAINER_STATE_EXITED;
  }
  if (cleanup) {
    // The exit record is the shim's exit.json until this lands; an agent killed before then
    // finds the container running with a dead shim and reads that file again.
    if (Status persisted = records_.Update(record, 0, 0); !persisted.ok()) {
      spdlog::error("{}", persisted.message());
    }
    WarnIfFailed(id, snapshotter_->Unmount(id));
    WarnIfFailed(id, cgroups_->Destroy(id));
    std::lock_guard<std::mutex> lock(exited->mutex);
    exited->exit_cleanup_running = false;
    exited->changed.notify_all();
  }
  // The plugins' DEL of a CNI network, last: the exit is recorded and announced, the rootfs
  // unmounted. Until it has run, the pin keeps the namespace (bridge's DEL needs it) and the
  // cache entry the port mappings (portmap's DEL needs them); an agent killed meanwhile DELs
  // at its next start-up. A Start or Remove meanwhile runs or waits for it.
  RunPendingNetworkDel(id);
  if (remove) {
    if (auto removed = Remove(id, false, /*remove_volumes=*/true); !removed.ok()) {
      spdlog::warn("container {}: removal at exit failed: {}; remove it with boxcar rm",
                   ShortId(id), removed.status().message());
    }
  }
}

void ContainerService::DestroyPendingCgroups(Entry& entry) {
  if (!entry.cgroups_pending) return;
  entry.cgroups_pending = false;
  WarnIfFailed(entry.record.id(), cgroups_->Destroy(entry.record.id()));
}

Status ContainerService::RemoveOnExit(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (entry->removed) return OkStatus();
    if (IsLive(entry->record.state())) {
      entry->remove_on_exit = true;  // OnProcessExited removes it
      return OkStatus();
    }
  }
  return Remove(entry->record.id(), false, /*remove_volumes=*/true).status();
}

bool ContainerService::WaitUntilNotRunning(Entry& entry, std::unique_lock<std::mutex>& lock,
                                           std::chrono::steady_clock::time_point deadline) {
  return entry.changed.wait_until(lock, deadline, [&] { return !IsLive(entry.record.state()); });
}

void ContainerService::MaybeScheduleRestart(Entry& entry) {
  const v1::Container& record = entry.record;
  const v1::RestartPolicy& policy = record.spec().restart_policy();
  if (entry.stopped_by_user || entry.removed) return;
  bool restart = policy.mode() == v1::RestartPolicy::MODE_ALWAYS ||
                 (policy.mode() == v1::RestartPolicy::MODE_ON_FAILURE && record.exit_code() != 0 &&
                  (policy.max_retries() == 0 || record.restart_count() < policy.max_retries()));
  if (!restart) return;
  auto ran = std::chrono::nanoseconds(record.finished_unix_ns() - record.started_unix_ns());
  if (ran >= kRestartResetAfter) entry.consecutive_restarts = 0;
  auto delay = std::min<std::chrono::milliseconds>(
      kFirstRestartDelay * (1u << std::min<uint32_t>(entry.consecutive_restarts, 10)),
      kMaxRestartDelay);
  ++entry.consecutive_restarts;
  const std::string id = record.id();
  const uint64_t generation = entry.generation;
  spdlog::info("container {} restarts in {} ms (restart policy)", ShortId(id), delay.count());
  timers_.RunAt(TimerQueue::Clock::now() + delay, [this, id, generation] {
    EntryPtr entry = FindById(id);
    if (!entry) return;
    {
      std::lock_guard<std::mutex> lock(entry->mutex);
      if (entry->generation != generation || entry->removed || entry->stopped_by_user ||
          entry->record.state() != v1::CONTAINER_STATE_EXITED) {
        return;  // started, stopped or removed meanwhile
      }
      entry->record.set_restart_count(entry->record.restart_count() + 1);
      if (Status persisted = Persist(*entry); !persisted.ok()) {
        spdlog::error("{}", persisted.message());
      }
    }
    if (auto started = Start(id); !started.ok()) {
      spdlog::warn("container {}: restart failed: {}; start it by hand (boxcar start)", ShortId(id),
                   started.status().message());
    }
  });
}

}  // namespace boxcar
