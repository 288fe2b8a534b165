#include "core/container_service.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <set>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "common/process_start_time.h"
#include "common/signal_names.h"

namespace boxcar {

namespace {

constexpr const char* kContainerHint = " (see `boxcar ps -a`)";
constexpr uint64_t kMinMemoryBytes = 4ull << 20;

int64_t NowUnixNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

UniqueFd OpenPidfd(pid_t pid) {
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

// The process `pid` exists and is the one that started at `start_ticks`.
bool ProcessIsAlive(pid_t pid, uint64_t start_ticks) {
  if (pid <= 0) return false;
  auto ticks = ReadProcessStartTicks(pid);
  return ticks.ok() && *ticks == start_ticks;
}

std::string EnvKey(const std::string& entry) { return entry.substr(0, entry.find('=')); }

std::vector<std::string> MergeEnv(const google::protobuf::RepeatedPtrField<std::string>& image_env,
                                  const google::protobuf::RepeatedPtrField<std::string>& spec_env) {
  std::vector<std::string> merged(image_env.begin(), image_env.end());
  for (const auto& entry : spec_env) {
    auto same_key = [&](const std::string& existing) { return EnvKey(existing) == EnvKey(entry); };
    merged.erase(std::remove_if(merged.begin(), merged.end(), same_key), merged.end());
    merged.push_back(entry);
  }
  return merged;
}

}  // namespace

ContainerService::ContainerService(ContainerServiceConfig config, SqliteDatabase* db,
                                   ImageStore* images, Snapshotter* snapshotter,
                                   ContainerCgroups* cgroups, BackendMap backends)
    : config_(std::move(config)),
      db_(db),
      images_(images),
      snapshotter_(snapshotter),
      cgroups_(cgroups),
      backends_(std::move(backends)),
      monitor_([this](const std::string& id) { OnProcessExited(id); }) {}

ContainerService::~ContainerService() {
  StopPrewarming();
  monitor_.Stop();
}

void ContainerService::StartPrewarming() {
  auto backend = backends_.find(config_.default_backend);
  if (config_.prewarm_count == 0 || backend == backends_.end() ||
      !backend->second->capabilities().prewarm || !cgroups_->SupportsSlots()) {
    return;
  }
  prewarm_backend_ = backend->second.get();
  pool_thread_ = std::thread([this] { PrewarmLoop(); });
}

void ContainerService::PrewarmLoop() {
  // Refill in bursts: on v1 the first migration into a cgroup waits for an RCU grace period,
  // the ones right after it do not, so a burst costs about one grace period in all.
  const size_t refill_below = std::max<size_t>(1, config_.prewarm_count / 2);
  auto backoff = std::chrono::milliseconds(0);
  for (;;) {
    size_t missing = 0;
    {
      std::unique_lock<std::mutex> lock(pool_mutex_);
      pool_changed_.wait_for(lock, backoff, [&] { return pool_stopping_; });
      pool_changed_.wait(lock, [&] { return pool_stopping_ || pool_.size() < refill_below; });
      if (pool_stopping_) return;
      missing = config_.prewarm_count - pool_.size();
    }
    std::vector<std::unique_ptr<PrewarmedLauncher>> launchers;
    Status failure;
    for (size_t i = 0; i < missing && failure.ok(); ++i) {
      auto launcher = prewarm_backend_->Prewarm();
      if (launcher.ok()) {
        launchers.push_back(std::move(*launcher));
      } else {
        failure = launcher.status();
      }
    }
    for (auto& launcher : launchers) {
      std::string slot = std::string(kSlotPrefix) + ShortId(NewContainerId());
      Status joined = cgroups_->CreateSlot(slot, launcher->pid());
      if (!joined.ok()) {
        failure = joined;
        continue;  // the launcher goes with `launchers`
      }
      std::lock_guard<std::mutex> lock(pool_mutex_);
      pool_.push_back({std::move(launcher), slot});
    }
    backoff = std::chrono::milliseconds(0);
    if (!failure.ok()) {
      spdlog::warn("prewarming {} helpers failed: {}; retrying in 1 s", prewarm_backend_->name(),
                   failure.message());
      backoff = std::chrono::seconds(1);
    }
  }
}

void ContainerService::StopPrewarming() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    pool_stopping_ = true;
  }
  pool_changed_.notify_all();
  if (pool_thread_.joinable()) pool_thread_.join();
  std::deque<PrewarmedSlot> pool;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    pool.swap(pool_);
  }
  for (auto& prewarmed : pool) {
    prewarmed.launcher.reset();  // the helper exits and is reaped
    (void)cgroups_->RemoveSlot(prewarmed.slot);
  }
}

std::optional<ContainerService::PrewarmedSlot> ContainerService::TakePrewarmed(Backend* backend) {
  if (backend != prewarm_backend_ || backend == nullptr) return std::nullopt;
  std::optional<PrewarmedSlot> taken;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (pool_.empty()) return std::nullopt;
    taken = std::move(pool_.front());
    pool_.pop_front();
  }
  pool_changed_.notify_all();
  return taken;
}

Status ContainerService::Persist(const Entry& entry) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(
      auto update,
      db_->Prepare(
          "UPDATE containers SET record = ?, shim_pid = ?, shim_start_ticks = ? WHERE id = ?"));
  update.BindBlob(1, entry.record.SerializeAsString())
      .Bind(2, static_cast<int64_t>(entry.shim_pid))
      .Bind(3, static_cast<int64_t>(entry.shim_start_ticks))
      .Bind(4, entry.record.id());
  return update.Run().Annotate("persist container " + entry.record.id());
}

StatusOr<ContainerService::EntryPtr> ContainerService::Lookup(const std::string& container) {
  if (container.empty()) return InvalidArgument("container: a container id or name is required");
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
      return InvalidArgument("container: id prefix '" + container +
                             "' is ambiguous; give more characters");
    }
  }
  return NotFound("container: no container '" + container + "'" + kContainerHint);
}

Backend* ContainerService::BackendFor(const v1::Container& record) {
  auto it = backends_.find(record.backend());
  return it == backends_.end() ? nullptr : it->second.get();
}

RunningContainer ContainerService::RunningOf(const Entry& entry) const {
  RunningContainer running;
  running.container_id = entry.record.id();
  running.shim_pid = entry.shim_pid;
  running.init_pid = entry.record.pid();
  running.init_pidfd = entry.init_pidfd.get();
  return running;
}

Status ContainerService::ValidateSpec(const v1::ContainerSpec& spec) {
  if (spec.image().empty())
    return InvalidArgument("spec.image: an image reference or id is required");
  if (!spec.name().empty()) RETURN_IF_ERROR(ValidateContainerName(spec.name(), "spec.name"));
  if (!spec.working_dir().empty() && spec.working_dir()[0] != '/') {
    return InvalidArgument("spec.working_dir: '" + spec.working_dir() +
                           "' must be an absolute path");
  }
  for (const auto& entry : spec.env()) {
    if (entry.find('=') == std::string::npos || entry[0] == '=') {
      return InvalidArgument("spec.env: '" + entry + "' is not KEY=value");
    }
  }
  static const std::regex kHostname("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})");
  if (!spec.hostname().empty() && !std::regex_match(spec.hostname(), kHostname)) {
    return InvalidArgument("spec.hostname: '" + spec.hostname() + "' is not a valid hostname");
  }
  const auto& limits = spec.limits();
  if (limits.memory_bytes() != 0 && limits.memory_bytes() < kMinMemoryBytes) {
    return InvalidArgument("spec.limits.memory_bytes: " + std::to_string(limits.memory_bytes()) +
                           " is below the 4 MiB minimum");
  }
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (limits.cpu_millis() != 0 &&
      (limits.cpu_millis() < 10 || limits.cpu_millis() > static_cast<uint64_t>(cpus) * 1000)) {
    return InvalidArgument("spec.limits.cpu_millis: " + std::to_string(limits.cpu_millis()) +
                           " is outside 10.." + std::to_string(cpus * 1000) + " (this host has " +
                           std::to_string(cpus) + " CPUs)");
  }
  if (limits.pids_max() > (1ull << 22)) {
    return InvalidArgument("spec.limits.pids_max: " + std::to_string(limits.pids_max()) +
                           " is too large");
  }
  for (const auto& rlimit : spec.rlimits()) {
    if (RlimitResourceByName(rlimit.name()) < 0) {
      return InvalidArgument("spec.rlimits: unknown rlimit '" + rlimit.name() + "'");
    }
    if (rlimit.soft() > rlimit.hard()) {
      return InvalidArgument("spec.rlimits: soft limit of '" + rlimit.name() +
                             "' exceeds the hard limit");
    }
  }
  std::string backend_name = spec.backend().empty() ? config_.default_backend : spec.backend();
  auto backend = backends_.find(backend_name);
  if (backend == backends_.end()) {
    std::string known;
    for (const auto& [name, unused] : backends_) known += (known.empty() ? "" : ", ") + name;
    return InvalidArgument("spec.backend: unknown backend '" + backend_name + "' (known: " + known +
                           ")");
  }
  if (Status available = backend->second->CheckAvailable(); !available.ok()) {
    return FailedPrecondition("spec.backend: backend '" + backend_name +
                              "' is unavailable: " + available.message());
  }
  bool wants_limits = limits.memory_bytes() || limits.cpu_millis() || limits.pids_max();
  if (wants_limits && !backend->second->capabilities().limits) {
    return Unimplemented("spec.limits: backend '" + backend_name +
                         "' does not support resource limits");
  }
  return OkStatus();
}

StatusOr<v1::Container> ContainerService::Create(const v1::ContainerSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  ASSIGN_OR_RETURN(v1::Image image, images_->Resolve(spec.image(), "spec.image"));

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
  if (filled.hostname().empty()) filled.set_hostname(ShortId(record.id()));
  if (filled.user().empty()) filled.set_user(image.config().user());
  if (filled.working_dir().empty()) {
    filled.set_working_dir(image.config().working_dir().empty() ? "/"
                                                                : image.config().working_dir());
  }
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

  {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    for (const auto& [id, existing] : entries_) {
      if (existing->record.name() == record.name()) {
        return AlreadyExists("spec.name: the name '" + record.name() +
                             "' is already used by container " + ShortId(id) +
                             "; remove it (boxcar rm) or choose another name");
      }
    }
    // Reserve the name while the snapshot is prepared.
    entries_[record.id()] = entry;
  }
  auto unreserve = [&](Status failure) {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    entries_.erase(record.id());
    (void)snapshotter_->Remove(record.id());
    (void)RemoveTree(StateDir(record.id()));
    return failure;
  };
  if (Status prepared = snapshotter_->Prepare(record.id()); !prepared.ok())
    return unreserve(prepared);
  if (::mkdir(StateDir(record.id()).c_str(), 0700) != 0) {
    return unreserve(ErrnoStatus("create '" + StateDir(record.id()) + "'"));
  }
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    auto insert =
        db_->Prepare("INSERT INTO containers(id, name, image_id, record) VALUES(?, ?, ?, ?)");
    if (!insert.ok()) return unreserve(insert.status());
    insert->Bind(1, record.id()).Bind(2, record.name()).Bind(3, record.image_id());
    insert->BindBlob(4, record.SerializeAsString());
    if (Status inserted = insert->Run(); !inserted.ok()) return unreserve(inserted);
  }
  spdlog::info("container {} ({}) created from {} on backend {}", ShortId(record.id()),
               record.name(), ShortId(record.image_id()), record.backend());
  return record;
}

StatusOr<v1::Container> ContainerService::Start(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  if (entry->removed) return NotFound("container: '" + container + "' was removed");
  if (record.state() == v1::CONTAINER_STATE_RUNNING) {
    return FailedPrecondition("container: " + record.name() + " is already running");
  }
  Backend* backend = BackendFor(record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + record.backend() +
                              "' is not configured in this agent");
  const std::string& id = record.id();
  const std::string state_dir = StateDir(id);

  auto started_at = std::chrono::steady_clock::now();
  auto elapsed_us = [&started_at] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 started_at)
        .count();
  };
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs,
                   images_->LayerDirectories(record.image_id()));
  ASSIGN_OR_RETURN(std::string rootfs_dir, snapshotter_->Mount(id, layer_dirs));
  auto mounted_us = elapsed_us();

  LaunchSpec spec;
  spec.container_id = id;
  spec.rootfs_dir = rootfs_dir;
  spec.argv.assign(record.argv().begin(), record.argv().end());
  spec.env.assign(record.spec().env().begin(), record.spec().env().end());
  spec.working_dir = record.spec().working_dir();
  spec.hostname = record.spec().hostname();
  spec.user = record.spec().user();
  for (const auto& rlimit : record.spec().rlimits()) {
    spec.rlimits.push_back({rlimit.name(), rlimit.soft(), rlimit.hard()});
  }
  spec.stdout_path = state_dir + "/stdout.log";
  spec.stderr_path = state_dir + "/stderr.log";
  spec.exit_file = state_dir + "/exit.json";
  spec.shim_log_path = state_dir + "/shim.log";
  ::unlink(spec.exit_file.c_str());

  auto undo = [&](Status failure) {
    (void)cgroups_->Destroy(id);
    (void)snapshotter_->Unmount(id);
    spdlog::warn("container {}: start failed: {}", ShortId(id), failure.message());
    return failure;
  };
  std::optional<PrewarmedSlot> prewarmed = TakePrewarmed(backend);
  const bool was_prewarmed = prewarmed.has_value();
  if (backend->capabilities().limits) {
    ContainerLimits limits{record.spec().limits().memory_bytes(),
                           record.spec().limits().cpu_millis(), record.spec().limits().pids_max()};
    if (limits.pids_max != 0) limits.pids_max += backend->capabilities().helper_processes_in_cgroup;
    auto placement =
        prewarmed ? cgroups_->AdoptSlot(prewarmed->slot, id, limits) : cgroups_->Create(id, limits);
    if (!placement.ok()) {
      if (prewarmed) {
        prewarmed->launcher.reset();
        (void)cgroups_->RemoveSlot(prewarmed->slot);
      }
      return undo(placement.status().Annotate("spec.limits"));
    }
    spec.cgroup_clone_into_dir = placement->clone_into_dir;
    spec.cgroup_procs_files = placement->procs_files;
  }

  auto cgroups_us = elapsed_us();
  int exit_code_hint = 0;
  auto launched = prewarmed ? backend->LaunchPrewarmed(std::move(prewarmed->launcher), spec,
                                                       state_dir, &exit_code_hint)
                            : backend->Launch(spec, state_dir, &exit_code_hint);
  if (!launched.ok()) return undo(launched.status());

  entry->shim_pid = launched->shim_pid;
  auto shim_start_ticks = ReadProcessStartTicks(launched->shim_pid);
  entry->shim_start_ticks = shim_start_ticks.ok() ? *shim_start_ticks : 0;
  entry->init_pidfd = OpenPidfd(launched->init_pid);
  record.set_pid(launched->init_pid);
  record.set_state(v1::CONTAINER_STATE_RUNNING);
  record.set_started_unix_ns(NowUnixNs());
  record.set_finished_unix_ns(0);
  record.set_exit_code(0);
  record.set_exit_signal(0);
  record.set_oom_killed(false);
  RETURN_IF_ERROR(Persist(*entry));
  UniqueFd shim_pidfd = OpenPidfd(launched->shim_pid);
  if (!shim_pidfd) {
    // The shim is our child: it cannot have been reaped yet, so this is a real error.
    return ErrnoStatus("pidfd_open of boxcar-shim for container " + id);
  }
  RETURN_IF_ERROR(monitor_.Watch(id, std::move(shim_pidfd)));
  spdlog::info("container {} started, pid {}", ShortId(id), launched->init_pid);
  spdlog::debug("container {} start ({}): mount {} us, cgroups {} us, launch {} us, total {} us",
                ShortId(id), was_prewarmed ? "prewarmed" : "cold", mounted_us,
                cgroups_us - mounted_us, elapsed_us() - cgroups_us, elapsed_us());
  return record;
}

void ContainerService::FinishExit(Entry& entry) {
  v1::Container& record = entry.record;
  const std::string& id = record.id();
  // Reap the shim when it is our child; after an agent restart it is not (ECHILD).
  if (entry.shim_pid > 0) ::waitpid(entry.shim_pid, nullptr, WNOHANG);

  auto exit_json = ReadFileToString(StateDir(id) + "/exit.json");
  auto exit_record =
      exit_json.ok() ? ExitRecordFromJson(*exit_json) : StatusOr<ExitRecord>(exit_json.status());
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
  auto cleanup_started = std::chrono::steady_clock::now();
  record.set_oom_killed(cgroups_->OomKilled(id));
  if (Status destroyed = cgroups_->Destroy(id); !destroyed.ok()) {
    spdlog::warn("container {}: {}", ShortId(id), destroyed.message());
  }
  if (Status unmounted = snapshotter_->Unmount(id); !unmounted.ok()) {
    spdlog::warn("container {}: {}", ShortId(id), unmounted.message());
  }
  spdlog::debug("container {} exit clean-up took {} us", ShortId(id),
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - cleanup_started)
                    .count());
  record.set_state(v1::CONTAINER_STATE_EXITED);
  record.set_pid(0);
  entry.shim_pid = 0;
  entry.shim_start_ticks = 0;
  entry.init_pidfd.reset();
  if (Status persisted = Persist(entry); !persisted.ok()) spdlog::error("{}", persisted.message());
  spdlog::info("container {} exited with code {}{}", ShortId(id), record.exit_code(),
               record.oom_killed() ? " (OOM killed)" : "");
  entry.changed.notify_all();
}

void ContainerService::OnProcessExited(const std::string& id) {
  EntryPtr entry;
  {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    entry = it->second;
  }
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (entry->record.state() == v1::CONTAINER_STATE_RUNNING) FinishExit(*entry);
}

bool ContainerService::WaitUntilNotRunning(Entry& entry, std::unique_lock<std::mutex>& lock,
                                           std::chrono::steady_clock::time_point deadline) {
  return entry.changed.wait_until(
      lock, deadline, [&] { return entry.record.state() != v1::CONTAINER_STATE_RUNNING; });
}

StatusOr<v1::Container> ContainerService::Stop(const std::string& container,
                                               uint32_t timeout_seconds) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  if (entry->record.state() != v1::CONTAINER_STATE_RUNNING) return entry->record;
  Backend* backend = BackendFor(entry->record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + entry->record.backend() + "' is not configured");
  int stop_signal = SIGTERM;
  if (auto image = images_->Resolve(entry->record.image_id(), "image"); image.ok()) {
    if (int parsed = ParseSignal(image->config().stop_signal()); parsed != 0) stop_signal = parsed;
  }
  RETURN_IF_ERROR(backend->Signal(RunningOf(*entry), stop_signal));
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
  if (entry->record.state() != v1::CONTAINER_STATE_RUNNING) {
    return FailedPrecondition("container: " + entry->record.name() + " is not running");
  }
  Backend* backend = BackendFor(entry->record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + entry->record.backend() + "' is not configured");
  return backend->Signal(RunningOf(*entry), signal);
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

StatusOr<std::string> ContainerService::Remove(const std::string& container, bool force) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  const std::string id = record.id();
  if (record.state() == v1::CONTAINER_STATE_RUNNING) {
    if (!force) {
      return FailedPrecondition("container: " + record.name() +
                                " is running; stop it first (boxcar stop) or remove with --force");
    }
    Backend* backend = BackendFor(record);
    if (backend != nullptr) (void)backend->Signal(RunningOf(*entry), SIGKILL);
    if (!WaitUntilNotRunning(*entry, lock,
                             std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
      return Internal("container " + record.name() + " did not exit 30 s after SIGKILL");
    }
  }
  RETURN_IF_ERROR(snapshotter_->Remove(id));
  RETURN_IF_ERROR(cgroups_->Destroy(id));
  RETURN_IF_ERROR(RemoveTree(StateDir(id)));
  {
    std::lock_guard<std::mutex> db_lock(db_->mutex());
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM containers WHERE id = ?"));
    remove.Bind(1, id);
    RETURN_IF_ERROR(remove.Run());
  }
  entry->removed = true;
  entry->changed.notify_all();
  {
    std::lock_guard<std::mutex> entries_lock(entries_mutex_);
    entries_.erase(id);
  }
  spdlog::info("container {} removed", ShortId(id));
  return id;
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
    if (all || entry->record.state() == v1::CONTAINER_STATE_RUNNING)
      containers.push_back(entry->record);
  }
  std::sort(containers.begin(), containers.end(),
            [](const auto& a, const auto& b) { return a.created_unix_ns() > b.created_unix_ns(); });
  return containers;
}

StatusOr<v1::Container> ContainerService::Inspect(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::lock_guard<std::mutex> lock(entry->mutex);
  return entry->record;
}

Status ContainerService::StreamLogs(const std::string& container, bool follow, const LogSink& sink,
                                    const CancelCheck& cancelled) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  const std::string state_dir = StateDir(entry->record.id());
  struct Source {
    v1::LogStream stream;
    std::string path;
    UniqueFd fd;
  } sources[] = {{v1::LOG_STREAM_STDOUT, state_dir + "/stdout.log", {}},
                 {v1::LOG_STREAM_STDERR, state_dir + "/stderr.log", {}}};
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    // Whether the payload had exited before this pass: then a pass to EOF sees all output.
    bool finished;
    {
      std::lock_guard<std::mutex> lock(entry->mutex);
      finished = entry->removed || entry->record.state() != v1::CONTAINER_STATE_RUNNING;
    }
    bool read_anything = false;
    for (auto& source : sources) {
      if (!source.fd) source.fd.reset(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!source.fd) continue;
      for (;;) {
        ssize_t n = ::read(source.fd.get(), buffer.data(), buffer.size());
        if (n <= 0) break;
        read_anything = true;
        if (!sink(source.stream, buffer.substr(0, static_cast<size_t>(n)))) return OkStatus();
      }
    }
    if (!follow || finished) return OkStatus();
    if (cancelled && cancelled()) return OkStatus();
    if (!read_anything) {
      std::unique_lock<std::mutex> lock(entry->mutex);
      entry->changed.wait_for(lock, std::chrono::milliseconds(20), [&] {
        return entry->removed || entry->record.state() != v1::CONTAINER_STATE_RUNNING;
      });
    }
  }
}

Status ContainerService::Recover() {
  RETURN_IF_ERROR(MakeDirectories(config_.root_dir + "/containers", 0700));
  RETURN_IF_ERROR(
      cgroups_->RemoveStaleSlots().Annotate("remove prewarmed cgroup slots of a previous agent"));
  RETURN_IF_ERROR(monitor_.Start());
  struct Row {
    v1::Container record;
    pid_t shim_pid;
    uint64_t shim_start_ticks;
  };
  std::vector<Row> rows;
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    ASSIGN_OR_RETURN(auto select,
                     db_->Prepare("SELECT record, shim_pid, shim_start_ticks FROM containers"));
    for (;;) {
      ASSIGN_OR_RETURN(bool has_row, select.Step());
      if (!has_row) break;
      Row row;
      if (!row.record.ParseFromString(select.ColumnBlob(0)))
        return DataLoss("a container record is corrupt");
      row.shim_pid = static_cast<pid_t>(select.ColumnInt(1));
      row.shim_start_ticks = static_cast<uint64_t>(select.ColumnInt(2));
      rows.push_back(std::move(row));
    }
  }
  std::set<std::string> known;
  for (auto& row : rows) {
    auto entry = std::make_shared<Entry>();
    entry->record = std::move(row.record);
    entry->shim_pid = row.shim_pid;
    entry->shim_start_ticks = row.shim_start_ticks;
    const std::string id = entry->record.id();
    known.insert(id);
    {
      std::lock_guard<std::mutex> lock(entries_mutex_);
      entries_[id] = entry;
    }
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (entry->record.state() != v1::CONTAINER_STATE_RUNNING) {
      // A crash may have come between the exit and its clean-up.
      (void)snapshotter_->Unmount(id);
      (void)cgroups_->Destroy(id);
      continue;
    }
    if (ProcessIsAlive(entry->shim_pid, entry->shim_start_ticks)) {
      UniqueFd shim_pidfd = OpenPidfd(entry->shim_pid);
      entry->init_pidfd = OpenPidfd(entry->record.pid());
      if (shim_pidfd && monitor_.Watch(id, std::move(shim_pidfd)).ok()) {
        spdlog::info("container {} still running (pid {}), watching it again", ShortId(id),
                     entry->record.pid());
        continue;
      }
    }
    FinishExit(*entry);
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
  StartPrewarming();
  return OkStatus();
}

}  // namespace boxcar
