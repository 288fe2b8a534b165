// Construction, look-up and the lifecycle calls: Create, Stop, Kill, Wait, Remove (Start:
// container_start.cc).
#include "core/container_service.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <set>
#include <thread>

#include "common/crash_points.h"
#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "common/process_start_time.h"
#include "common/signal_names.h"
#include "common/unix_time.h"
#include "core/container_health_config.h"
#include "core/container_init_process.h"
#include "core/container_mounts.h"
#include "core/container_namespace_modes.h"
#include "core/container_resource_tuning.h"
#include "core/container_spec_validation.h"
#include "core/container_states.h"
#include "core/env_merge.h"

namespace boxcar {

namespace {

// The short id, or with --network host or --uts host the host's name, as Docker gives it.
std::string DefaultHostname(const v1::ContainerSpec& spec, const std::string& id) {
  if (spec.network().mode() == kNetworkHost || spec.uts_mode() == "host") {
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  }
  return ShortId(id);
}

constexpr const char* kContainerHint = " (see `boxcar ps -a`)";

// Signals after which an exit counts as stopped by the user (no restart).
bool IsStopSignal(int signal) {
  return signal == SIGKILL || signal == SIGTERM || signal == SIGINT || signal == SIGQUIT;
}

// What the prewarm pool plugs into a new helper's network namespace when starts on a bridge
// network want it: an idle veth pair (net/idle_veth.h).
std::function<std::string(pid_t, const std::string&)> IdleVethPreparer(NetworkService* networks) {
  if (networks == nullptr) return nullptr;
  return [networks](pid_t helper_pid, const std::string& slot_name) {
    return networks->PrepareIdleVeth(helper_pid, slot_name);
  };
}

}  // namespace

ContainerService::ContainerService(ContainerServiceConfig config, SqliteDatabase* db,
                                   ImageStore* images, Snapshotter* snapshotter,
                                   ContainerCgroups* cgroups, BackendMap backends)
    : config_(std::move(config)),
      records_(db),
      images_(images),
      snapshotter_(snapshotter),
      cgroups_(cgroups),
      backends_(std::move(backends)),
      monitor_([this](const std::string& id) { OnProcessExited(id); }),
      prewarm_({config_.root_dir, config_.agent_instance_id, config_.prewarm_count, config_.trash,
                IdleVethPreparer(config_.networks), config_.idle_gate},
               backends_.count(config_.default_backend)
                   ? backends_.at(config_.default_backend).get()
                   : nullptr,
               cgroups_, snapshotter_) {}

ContainerService::~ContainerService() {
  health_monitors_.StopAll();
  for (const auto& [name, backend] : backends_) backend->SetExitListener(nullptr);
  prewarm_.Stop();
  monitor_.Stop();
  // CNI DELs of exits whose clean-up has not run them yet (the timer queue drops its tasks).
  if (config_.networks) config_.networks->RunPendingDels();
}

void ContainerService::WarnIfFailed(const std::string& id, const Status& status) {
  if (!status.ok()) spdlog::warn("container {}: {}", ShortId(id), status.message());
}

StatusOr<ContainerService::EntryPtr> ContainerService::Lookup(const std::string& container,
                                                              const std::string& field) {
  if (container.empty()) return InvalidArgument(field + ": a container id or name is required");
  std::lock_guard<std::mutex> lock(entries_mutex_);
  if (auto it = entries_.find(container); it != entries_.end()) return it->second;
  for (const auto& [id, entry] : entries_) {
    if (entry->record.name() == container) return entry;
  }
  if (IsHexPrefix(container)) {
    std::vector<EntryPtr> matches;
    for (const auto& [id, entry] : entries_) {
      if (id.compare(0, container.size(), container) == 0) matches.push_back(entry);
    }
    if (matches.size() == 1) return matches[0];
    if (matches.size() > 1) {
      return InvalidArgument(field + ": id prefix '" + container +
                             "' is ambiguous; give more characters");
    }
  }
  return NotFound(field + ": no container '" + container + "'" + kContainerHint);
}

ContainerService::EntryPtr ContainerService::FindById(const std::string& id) {
  std::lock_guard<std::mutex> lock(entries_mutex_);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second;
}

RunningContainer ContainerService::RunningOf(const Entry& entry) const {
  RunningContainer running;
  running.container_id = entry.record.id();
  running.shim_pid = entry.shim_pid;
  running.init_pid = entry.record.pid();
  running.init_pidfd = entry.init_pidfd.get();
  return running;
}

StatusOr<v1::UserNamespace> ContainerService::PlaceUserNamespace(const v1::UserNamespace& wanted) {
  std::vector<HostIdBlock> taken;
  for (const auto& [id, entry] : entries_) AppendHostIdBlocks(entry->record.spec(), &taken);
  return PlaceHostIdBlock(config_.userns_range, taken, wanted);
}

Status ContainerService::PrepareDirectories(const std::string& id, const IdMapping& ids) {
  std::optional<std::string> spare = prewarm_.TakeSpare();
  if (spare) {
    Status taken = snapshotter_->Rekey(*spare, id, ids);
    if (taken.ok()) {
      if (::rename(StateDir(*spare).c_str(), StateDir(id).c_str()) == 0) return OkStatus();
      taken = ErrnoStatus("rename spare state directory '" + StateDir(*spare) + "'");
      (void)snapshotter_->Remove(id);
    }
    // Made afresh below: the user's request does not fail for a spare someone removed.
    spdlog::warn("container {}: spare {} unusable ({}); making its directories now", ShortId(id),
                 *spare, taken.message());
    prewarm_.CountSpareFallback();
    prewarm_.DiscardSpare(*spare);
  }
  RETURN_IF_ERROR(snapshotter_->Prepare(id, ids));
  if (::mkdir(StateDir(id).c_str(), 0700) != 0) return ErrnoStatus("create '" + StateDir(id) + "'");
  return OkStatus();
}

StatusOr<v1::Container> ContainerService::Create(const v1::ContainerSpec& spec) {
  IdleGate::Busy busy(config_.idle_gate);
  RETURN_IF_ERROR(
      ValidateContainerSpec(spec, backends_, config_.default_backend, config_.userns_range));
  ASSIGN_OR_RETURN(v1::Image image, images_->Resolve(spec.image(), "spec.image"));
  // What Start could not apply on this host is refused now, with nothing made.
  if (UsesResourceTuning(spec)) RETURN_IF_ERROR(cgroups_->CheckSupported(TuningLimitsOf(spec)));
  ASSIGN_OR_RETURN(std::vector<v1::Mount> inherited_mounts, VolumesFromMounts(spec));

  auto entry = std::make_shared<Entry>();
  v1::Container& record = entry->record;
  record.set_id(NewContainerId());
  record.set_name(spec.name().empty() ? GeneratedContainerName(record.id()) : spec.name());
  record.set_image_id(image.id());
  record.set_backend(spec.backend().empty() ? config_.default_backend : spec.backend());
  record.set_state(v1::CONTAINER_STATE_CREATED);
  record.set_created_unix_ns(NowUnixNs());
  record.set_rootfs_dir(snapshotter_->RootfsDir(record.id()));

  v1::ContainerSpec& filled = *record.mutable_spec();
  filled = spec;
  filled.set_name(record.name());
  filled.set_backend(record.backend());
  // Docker's default swap for -m alone (twice the memory), kept for inspect and Start.
  if (filled.limits().memory_bytes() != 0 && filled.limits().memory_swap_bytes() == 0) {
    FillDefaultMemorySwap(cgroups_->AccountsSwap(), filled.mutable_limits());
  }
  RETURN_IF_ERROR(ResolveSharedNamespaces(&filled));
  if (filled.hostname().empty()) filled.set_hostname(DefaultHostname(spec, record.id()));
  if (filled.user().empty()) filled.set_user(image.config().user());
  if (filled.working_dir().empty()) {
    filled.set_working_dir(image.config().working_dir().empty() ? "/"
                                                                : image.config().working_dir());
  }
  // As Docker, the image's health check and stop signal become the container's own.
  if (auto health = EffectiveHealthConfig(spec.healthcheck(), image.config())) {
    *filled.mutable_healthcheck() = *health;
  }
  if (filled.stop_signal().empty()) filled.set_stop_signal(image.config().stop_signal());
  FillLogDefaults(config_.log_defaults, &filled);
  auto merged_env = MergeEnv(image.config().env(), spec.env());
  filled.mutable_env()->Assign(merged_env.begin(), merged_env.end());
  const auto& entrypoint =
      spec.entrypoint().empty() ? image.config().entrypoint() : spec.entrypoint();
  const auto& command = spec.command().empty() ? image.config().cmd() : spec.command();
  record.mutable_argv()->Add(entrypoint.begin(), entrypoint.end());
  record.mutable_argv()->Add(command.begin(), command.end());
  if (record.argv().empty()) {
    return InvalidArgument("spec.command: no command given and image '" + spec.image() +
                           "' has no default command; pass one after the image name");
  }
  if (!spec.has_init() && config_.default_init) filled.set_init(true);
  if (filled.init()) RETURN_IF_ERROR(CheckInitBinary(config_.init_path, "spec.init"));
  // The volumes go last and first again on failure: made only for a spec that is otherwise
  // fine, and never left behind by a Create that fails.
  std::vector<std::string> made_volumes;
  auto remove_made_volumes = [&] {
    for (const auto& name : made_volumes) WarnIfFailed(record.id(), config_.volumes->Remove(name));
  };
  if (Status completed =
          CompleteMounts(&filled, image.config(), config_.volumes, &made_volumes, inherited_mounts);
      !completed.ok()) {
    remove_made_volumes();
    return completed;
  }

  {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    for (const auto& [id, existing] : entries_) {
      if (existing->record.name() == record.name()) {
        remove_made_volumes();
        return AlreadyExists("spec.name: the name '" + record.name() +
                             "' is already used by container " + ShortId(id) +
                             "; remove it (boxcar rm) or choose another name");
      }
    }
    if (spec.has_userns()) {
      auto placed = PlaceUserNamespace(spec.userns());
      if (!placed.ok()) {
        remove_made_volumes();
        return placed.status();
      }
      *filled.mutable_userns() = *placed;
    }
    // Reserve the name (and the user namespace's ids) while the snapshot is prepared.
    entry->volume_names = VolumeNamesOf(filled);
    entry->network_shared_with = ContainerOfMode(filled.network().mode());
    entries_[record.id()] = entry;
  }
  auto unreserve = [&](Status failure) {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    entries_.erase(record.id());
    (void)snapshotter_->Remove(record.id());
    (void)RemoveTree(StateDir(record.id()));
    if (config_.networks) config_.networks->ReleaseRefused(record.id());
    remove_made_volumes();
    return failure;
  };
  if (Status reserved = ReserveNetwork(record, image); !reserved.ok()) return unreserve(reserved);
  if (Status prepared = PrepareDirectories(record.id(), IdMappingOf(filled)); !prepared.ok())
    return unreserve(prepared);
  // A crash from here until the row is in leaves directories no record owns: start-up
  // removes them.
  CrashPoint("create.after_directories");
  // The image may have been removed or pruned since it was resolved; the row, inserted only
  // while the image exists, then protects it.
  if (Status inserted = records_.Insert(record, spec.image()); !inserted.ok())
    return unreserve(inserted);
  CrashPoint("create.after_record");
  spdlog::info("container {} ({}) created from {} on backend {}{}", ShortId(record.id()),
               record.name(), ShortId(record.image_id()), record.backend(),
               filled.has_userns()
                   ? ", user namespace on host uids " +
                         std::to_string(filled.userns().host_uid()) + "-" +
                         std::to_string(filled.userns().host_uid() + filled.userns().size() - 1)
                   : "");
  Emit(v1::EVENT_TYPE_CREATED, record);
  return record;
}

StatusOr<v1::Container> ContainerService::Stop(const std::string& container,
                                               std::optional<uint32_t> timeout, bool for_restart) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  // Also cancels a restart the restart policy has scheduled.
  entry->stopped_by_user = true;
  if (for_restart) entry->kept_for_restart = true;
  ++entry->generation;
  if (!IsLive(entry->record.state())) return entry->record;
  ASSIGN_OR_RETURN(Backend * backend, BackendFor(entry->record));
  const v1::ContainerSpec& spec = entry->record.spec();
  const uint32_t timeout_seconds = timeout                           ? *timeout
                                   : spec.has_stop_timeout_seconds() ? spec.stop_timeout_seconds()
                                                                     : 10;
  // The spec has the image's signal since Create; containers made before that, the image's.
  int stop_signal = ParseSignal(spec.stop_signal());
  if (stop_signal == 0) {
    if (auto image = images_->Resolve(entry->record.image_id(), "image"); image.ok()) {
      stop_signal = ParseSignal(image->config().stop_signal());
    }
  }
  if (stop_signal == 0) stop_signal = SIGTERM;
  RETURN_IF_ERROR(backend->Signal(RunningOf(*entry), stop_signal));
  RETURN_IF_ERROR(ThawIfPaused(*entry));
  auto now = std::chrono::steady_clock::now();
  if (!WaitUntilNotRunning(*entry, lock, now + std::chrono::seconds(timeout_seconds))) {
    spdlog::info("container {} ignored signal {} for {} s; killing", ShortId(entry->record.id()),
                 stop_signal, timeout_seconds);
    RETURN_IF_ERROR(backend->Signal(RunningOf(*entry), SIGKILL));
    if (!WaitUntilNotRunning(*entry, lock,
                             std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
      return Internal("container " + entry->record.name() + " did not exit 30 s after SIGKILL");
    }
  }
  return entry->record;
}

Status ContainerService::Kill(const std::string& container, int signal) {
  if (signal < 0 || signal >= NSIG) {
    return InvalidArgument("signal: " + std::to_string(signal) + " is not a signal number (1-" +
                           std::to_string(NSIG - 1) + ")");
  }
  if (signal == 0) signal = SIGKILL;
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (!IsLive(entry->record.state())) {
    return NotRunning(entry->record.name());
  }
  ASSIGN_OR_RETURN(Backend * backend, BackendFor(entry->record));
  if (IsStopSignal(signal)) entry->stopped_by_user = true;
  RETURN_IF_ERROR(backend->Signal(RunningOf(*entry), signal));
  // A frozen payload acts on SIGKILL only once thawed; other signals wait for Unpause.
  if (signal == SIGKILL) RETURN_IF_ERROR(ThawIfPaused(*entry));
  return OkStatus();
}

StatusOr<v1::WaitContainerResponse> ContainerService::Wait(const std::string& container,
                                                           const CancelCheck& cancelled) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  while (entry->record.state() != v1::CONTAINER_STATE_EXITED) {
    if (entry->removed) return NotFound("container: '" + container + "' was removed while waiting");
    if (cancelled && cancelled()) return Status(StatusCode::kCancelled, "wait cancelled");
    entry->changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  v1::WaitContainerResponse response;
  response.set_exit_code(entry->record.exit_code());
  response.set_exit_signal(entry->record.exit_signal());
  response.set_oom_killed(entry->record.oom_killed());
  return response;
}

StatusOr<v1::Container> ContainerService::Remove(const std::string& container, bool force,
                                                 bool remove_volumes, bool await_network_del) {
  IdleGate::Busy busy(config_.idle_gate, IdleGate::Then::kIdle);
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  const std::string id = record.id();
  if (IsLive(record.state())) {
    if (!force) {
      return FailedPrecondition(
          "container: " + record.name() +
          (record.state() == v1::CONTAINER_STATE_PAUSED ? " is paused" : " is running") +
          "; stop it first (boxcar stop) or remove with --force");
    }
    ASSIGN_OR_RETURN(Backend * backend, BackendFor(record));
    entry->stopped_by_user = true;
    (void)backend->Signal(RunningOf(*entry), SIGKILL);
    (void)ThawIfPaused(*entry);
    if (!WaitUntilNotRunning(*entry, lock,
                             std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
      return Internal("container " + record.name() + " did not exit 30 s after SIGKILL");
    }
  }
  // The rootfs first, the one step that may fail for a reason the caller can act on (a
  // process outside holding the mount); nothing else has changed yet.
  RETURN_IF_ERROR(snapshotter_->Unmount(id));
  // Then the row, as the image store does: a crash from here on leaves directories and
  // cgroups no record owns, which start-up removes; never a record whose rootfs is gone.
  RETURN_IF_ERROR(records_.Delete(id));
  CrashPoint("remove.after_record");
  // A crash before this leaves a lease no record owns: start-up releases it.
  if (config_.networks) WarnIfFailed(id, config_.networks->Release(id));
  // The CNI DEL of its last exit, if still pending: a crash before it ran leaves a cache
  // entry no record owns, which start-up DELs in its still pinned namespace.
  if (await_network_del) RunPendingNetworkDel(id);
  entry->exit_cleanup_pending = false;  // done below, unless the timer thread is at it
  // Its snapshot and state directory become a spare when the pool takes them (below, once the
  // exit's clean-up is done with them), else are deleted now.
  const bool recyclable = prewarm_.KeepsSpares();
  if (!recyclable) WarnIfFailed(id, snapshotter_->Remove(id));
  CrashPoint("remove.after_snapshot");
  // Unless the exit's clean-up is already destroying them (outside this lock; waited for
  // below, after the rest of the removal, so that both overlap).
  entry->cgroups_pending = false;
  if (!entry->exit_cleanup_running) WarnIfFailed(id, cgroups_->Destroy(id));
  if (auto backend = backends_.find(record.backend()); backend != backends_.end()) {
    backend->second->ReleaseContainer(id);
  }
  if (!recyclable) WarnIfFailed(id, DiscardTree(config_.trash, StateDir(id)));
  entry->changed.wait(lock, [&] { return !entry->exit_cleanup_running; });
  if (recyclable && !prewarm_.Recycle(id)) {
    WarnIfFailed(id, snapshotter_->Remove(id));
    WarnIfFailed(id, DiscardTree(config_.trash, StateDir(id)));
  }
  entry->removed = true;
  health_monitors_.Stop(id);
  ++entry->generation;
  entry->changed.notify_all();
  Emit(v1::EVENT_TYPE_DELETED, record);
  {
    std::lock_guard<std::mutex> entries_lock(entries_mutex_);
    entries_.erase(id);
  }
  spdlog::info("container {} removed", ShortId(id));
  // After the container's row: a crash in between leaves an unused anonymous volume, which
  // `boxcar volume prune` removes.
  if (remove_volumes && config_.volumes) {
    for (const auto& mount : record.spec().mounts()) {
      if (!mount.anonymous() || !ContainersUsingVolume(mount.source()).empty()) continue;
      WarnIfFailed(id, config_.volumes->Remove(mount.source()));
    }
  }
  return record;
}

std::vector<std::string> ContainerService::ContainersUsingVolume(const std::string& name) {
  std::vector<std::string> users;
  std::lock_guard<std::mutex> lock(entries_mutex_);
  for (const auto& [id, entry] : entries_) {
    const auto& names = entry->volume_names;
    if (std::find(names.begin(), names.end(), name) != names.end()) users.push_back(id);
  }
  std::sort(users.begin(), users.end());
  return users;
}

std::vector<v1::Container> ContainerService::List(bool all) {
  std::vector<EntryPtr> snapshot;
  {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    for (const auto& [id, entry] : entries_) snapshot.push_back(entry);
  }
  std::vector<v1::Container> containers;
  for (const auto& entry : snapshot) {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (entry->removed) continue;
    if (all || IsLive(entry->record.state())) containers.push_back(entry->record);
  }
  std::sort(containers.begin(), containers.end(),
            [](const auto& a, const auto& b) { return a.created_unix_ns() > b.created_unix_ns(); });
  return containers;
}

StatusOr<v1::Container> ContainerService::Inspect(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  v1::Container record;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    record = entry->record;
  }
  return record;
}

StatusOr<v1::Container> ContainerService::InspectWithHostPaths(const std::string& container) {
  ASSIGN_OR_RETURN(v1::Container record, Inspect(container));
  FillHostPaths(record);
  return record;
}

void ContainerService::Emit(v1::EventType type, const v1::Container& record) {
  v1::ContainerEvent event;
  event.set_type(type);
  event.set_id(record.id());
  event.set_name(record.name());
  event.set_unix_ns(NowUnixNs());
  if (type == v1::EVENT_TYPE_EXITED) {
    event.set_exit_code(record.exit_code());
    event.set_oom_killed(record.oom_killed());
  }
  events_.Publish(event);
}

StatusOr<std::shared_ptr<EventBus::Subscription>> ContainerService::SubscribeEvents(
    const std::vector<std::string>& containers) {
  std::set<std::string> ids;
  for (size_t i = 0; i < containers.size(); ++i) {
    ASSIGN_OR_RETURN(EntryPtr entry,
                     Lookup(containers[i], "containers[" + std::to_string(i) + "]"));
    std::lock_guard<std::mutex> lock(entry->mutex);
    ids.insert(entry->record.id());
  }
  return events_.Subscribe(std::move(ids));
}

}  // namespace boxcar
