// Recover: the records reconciled with what runs after a restart (or kill -9) of the agent.
#include <spdlog/spdlog.h>

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "common/pidfd.h"
#include "common/process_start_time.h"
#include "core/container_etc_files.h"
#include "core/container_init_process.h"
#include "core/container_mounts.h"
#include "core/container_namespace_modes.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

namespace {

// The process `pid` exists and is the one that started at `start_ticks`.
bool ProcessIsAlive(pid_t pid, uint64_t start_ticks) {
  if (pid <= 0) return false;
  auto ticks = ReadProcessStartTicks(pid);
  return ticks.ok() && *ticks == start_ticks;
}

}  // namespace

Status ContainerService::Recover() {
  RETURN_IF_ERROR(MakeDirectories(config_.root_dir + "/containers", 0700));
  (void)MarkTopDirectory(config_.root_dir + "/containers");  // see directory_tree.h
  if (config_.networks) RETURN_IF_ERROR(EnsureEtcMountPointsLayer(config_.root_dir));
  RETURN_IF_ERROR(EnsureInitMountPointLayer(config_.root_dir));
  RETURN_IF_ERROR(cgroups_->RemoveStaleSlots(prewarm_.slot_prefix())
                      .Annotate("remove prewarmed cgroup slots of a previous agent"));
  RETURN_IF_ERROR(monitor_.Start());
  // Exits backends learn of by themselves (libvirt's domain events) are checked on the timer
  // thread, never on the backend's (which must not wait for a container's job lock).
  for (const auto& [name, backend] : backends_) {
    backend->SetExitListener([this](const std::string& id) {
      timers_.RunAt(TimerQueue::Clock::now(), [this, id] { OnBackendReportedExit(id); });
    });
  }
  ASSIGN_OR_RETURN(std::vector<StoredContainer> rows, records_.LoadAll());
  std::set<std::string> known;
  // Live containers whose shim still runs: watched once their networks are known again.
  std::vector<std::pair<std::shared_ptr<Entry>, UniqueFd>> still_running;
  for (auto& row : rows) {
    auto entry = std::make_shared<Entry>();
    entry->record = std::move(row.record);
    entry->shim_pid = row.shim_pid;
    entry->shim_start_ticks = row.shim_start_ticks;
    entry->volume_names = VolumeNamesOf(entry->record.spec());
    entry->network_shared_with = ContainerOfMode(entry->record.spec().network().mode());
    const std::string id = entry->record.id();
    known.insert(id);
    {
      std::lock_guard<std::mutex> lock(entries_mutex_);
      entries_[id] = entry;
    }
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (!IsLive(entry->record.state())) {
      // A crash may have come between the exit and its clean-up, or during a start that had
      // launched the payload before recording it: kill what runs, then unmount.
      (void)cgroups_->Destroy(id);
      (void)snapshotter_->Unmount(id);
      continue;
    }
    if (ProcessIsAlive(entry->shim_pid, entry->shim_start_ticks)) {
      // NOTE: Commit freezes a running container while it reads its changes; an agent killed
      // meanwhile leaves it frozen. Only a PAUSED one is meant to stay so.
      if (entry->record.state() == v1::CONTAINER_STATE_RUNNING) {
        if (Status thawed = cgroups_->Thaw(id); !thawed.ok()) {
          spdlog::warn("container {}: thaw after restart: {}", ShortId(id), thawed.message());
        }
      }
      UniqueFd shim_pidfd = OpenPidfd(entry->shim_pid);
      entry->init_pidfd = OpenPidfd(entry->record.pid());
      if (shim_pidfd) {
        spdlog::info("container {} still running (pid {}), watching it again", ShortId(id),
                     entry->record.pid());
        still_running.emplace_back(entry, std::move(shim_pidfd));
        continue;
      }
    }
    FinishExit(*entry);
  }
  if (config_.networks) {
    std::vector<v1::Container> records;
    {
      std::lock_guard<std::mutex> lock(entries_mutex_);
      for (const auto& [id, entry] : entries_) records.push_back(entry->record);
    }
    RETURN_IF_ERROR(
        config_.networks->Recover(records, [this](const std::string& id) { return StateDir(id); })
            .Annotate("reconcile container networks"));
  }
  // Watched only now: an exit seen at once (a payload that ended during the restart) finds
  // its network known again, and its clean-up releases its ports and veth.
  for (auto& [entry, shim_pidfd] : still_running) {
    const bool watched = monitor_.Watch(entry->record.id(), std::move(shim_pidfd)).ok();
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (!watched) {
      FinishExit(*entry);
    } else if (IsLive(entry->record.state())) {
      // The check goes on where it was (its status and streak are in the record).
      ArmHealthCheck(*entry);
    }
  }
  for (const auto& [name, backend] : backends_) {
    std::vector<std::string> live;
    {
      std::lock_guard<std::mutex> lock(entries_mutex_);
      for (const auto& [id, entry] : entries_) {
        if (entry->record.backend() == name && IsLive(entry->record.state())) live.push_back(id);
      }
    }
    // Not fatal: a backend that cannot reach its own state now (libvirtd down) reconciles
    // once it can (the libvirt backend at its next connection to libvirtd).
    if (Status reconciled = backend->ReconcileAfterRestart(live); !reconciled.ok()) {
      spdlog::warn("backend {}: reconcile after restart: {}", name, reconciled.message());
    }
  }
  for (const auto& key : snapshotter_->ListKeys()) {
    if (!known.count(key)) {
      spdlog::info("removing snapshot {} left by an interrupted create or remove", key);
      RETURN_IF_ERROR(snapshotter_->Remove(key));
    }
  }
  for (const auto& name : ListDirectoryNames(config_.root_dir + "/containers")) {
    if (known.count(name)) continue;
    (void)cgroups_->Destroy(name);
    RETURN_IF_ERROR(RemoveTree(StateDir(name)));
  }
  // Containers of `run -d --rm` that exited while the agent was down (or before their removal
  // ran) go now.
  std::vector<std::string> auto_removed;
  {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    for (const auto& [id, entry] : entries_) {
      if (entry->record.spec().auto_remove() &&
          entry->record.state() == v1::CONTAINER_STATE_EXITED) {
        auto_removed.push_back(id);
      }
    }
  }
  for (const auto& id : auto_removed) {
    if (auto removed = Remove(id, false, /*remove_volumes=*/true); !removed.ok()) {
      spdlog::warn(
          "container {}: removal after its exit (--rm) failed: {}; remove it with boxcar rm",
          ShortId(id), removed.status().message());
    }
  }
  prewarm_.Start();
  return OkStatus();
}

}  // namespace boxcar
