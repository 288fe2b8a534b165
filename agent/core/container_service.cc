#include "core/container_service.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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
#include "launch/process_cgroups.h"

namespace boxcar {

namespace {

constexpr const char* kContainerHint = " (see `boxcar ps -a`)";
constexpr uint64_t kMinMemoryBytes = 4ull << 20;
// Names of spare directories (ContainerService::MakeSpare); never a container id (64 hex).
constexpr const char* kSparePrefix = "spare-";
// The files of a container's state directory that its shim opens (O_APPEND | O_CREAT, 0640).
constexpr const char* kStdoutLog = "/stdout.log";
constexpr const char* kStderrLog = "/stderr.log";
constexpr const char* kShimLog = "/shim.log";

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

bool IsLive(v1::ContainerState state) {
  return state == v1::CONTAINER_STATE_RUNNING || state == v1::CONTAINER_STATE_PAUSED;
}

// Signals after which an exit counts as stopped by the user (no restart).
bool IsStopSignal(int signal) {
  return signal == SIGKILL || signal == SIGTERM || signal == SIGINT || signal == SIGQUIT;
}

constexpr auto kFirstRestartDelay = std::chrono::milliseconds(100);
constexpr auto kMaxRestartDelay = std::chrono::seconds(10);
constexpr auto kRestartResetAfter = std::chrono::seconds(10);

Status ValidateRestartPolicy(const v1::RestartPolicy& policy, const std::string& field) {
  if (!v1::RestartPolicy::Mode_IsValid(policy.mode())) {
    return InvalidArgument(field + ".mode: unknown mode " + std::to_string(policy.mode()) +
                           " (no, on-failure or always)");
  }
  if (policy.max_retries() != 0 && policy.mode() != v1::RestartPolicy::MODE_ON_FAILURE) {
    return InvalidArgument(field + ".max_retries: only the on-failure policy takes a retry count");
  }
  return OkStatus();
}

// The limit checks shared by Create and Update; `field` prefixes the names.
Status ValidateLimitValue(const std::string& field, uint64_t memory_bytes, uint64_t cpu_millis,
                          uint64_t pids_max) {
  if (memory_bytes != 0 && memory_bytes < kMinMemoryBytes) {
    return InvalidArgument(field + ".memory_bytes: " + std::to_string(memory_bytes) +
                           " is below the 4 MiB minimum");
  }
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (cpu_millis != 0 && (cpu_millis < 10 || cpu_millis > static_cast<uint64_t>(cpus) * 1000)) {
    return InvalidArgument(field + ".cpu_millis: " + std::to_string(cpu_millis) +
                           " is outside 10.." + std::to_string(cpus * 1000) + " (this host has " +
                           std::to_string(cpus) + " CPUs)");
  }
  if (pids_max > (1ull << 22)) {
    return InvalidArgument(field + ".pids_max: " + std::to_string(pids_max) + " is too large");
  }
  return OkStatus();
}

// Logs a clean-up step that failed; the rest of the clean-up goes on.
void WarnIfFailed(const std::string& id, const Status& status) {
  if (!status.ok()) spdlog::warn("container {}: {}", ShortId(id), status.message());
}

// The major:minor of each block-device limit; each must name a whole-disk block device node,
// at most once.
StatusOr<std::vector<BlockDeviceThrottle>> BlockDeviceThrottles(const v1::ResourceLimits& limits,
                                                                const std::string& field) {
  std::vector<BlockDeviceThrottle> throttles;
  std::set<dev_t> seen;
  for (int i = 0; i < limits.block_devices_size(); ++i) {
    const v1::BlockDeviceLimit& limit = limits.block_devices(i);
    const std::string name = field + ".block_devices[" + std::to_string(i) + "].device";
    struct stat st;
    if (limit.device().empty() || ::stat(limit.device().c_str(), &st) != 0 ||
        !S_ISBLK(st.st_mode)) {
      return InvalidArgument(name + ": '" + limit.device() +
                             "' is not a block device on this host (see lsblk)");
    }
    const std::string id =
        std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
    if (::access(("/sys/dev/block/" + id + "/partition").c_str(), F_OK) == 0) {
      return InvalidArgument(name + ": '" + limit.device() +
                             "' is a partition; bandwidth limits apply to whole disks");
    }
    if (!seen.insert(st.st_rdev).second) {
      return InvalidArgument(name + ": '" + limit.device() + "' is given twice");
    }
    throttles.push_back(
        {major(st.st_rdev), minor(st.st_rdev), limit.read_bps(), limit.write_bps()});
  }
  return throttles;
}

constexpr uint32_t kDefaultUserNamespaceSize = 65536;

IdMapping IdMappingOf(const v1::ContainerSpec& spec) {
  if (!spec.has_userns()) return {};
  return {spec.userns().host_uid(), spec.userns().host_gid(), spec.userns().size()};
}

std::string IdBlockText(uint64_t first, uint64_t size) {
  return std::to_string(first) + "-" + std::to_string(first + size - 1);
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
    size_t missing_spares = 0;
    {
      std::unique_lock<std::mutex> lock(pool_mutex_);
      pool_changed_.wait_for(lock, backoff, [&] { return pool_stopping_; });
      pool_changed_.wait(lock, [&] {
        return pool_stopping_ || pool_.size() < refill_below || spares_.size() < refill_below;
      });
      if (pool_stopping_) return;
      missing = config_.prewarm_count - pool_.size();
      missing_spares = config_.prewarm_count - spares_.size();
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
    for (size_t i = 0; i < missing_spares && failure.ok(); ++i) {
      std::string name = std::string(kSparePrefix) + ShortId(NewContainerId());
      failure = MakeSpare(name);
      if (failure.ok()) {
        std::lock_guard<std::mutex> lock(pool_mutex_);
        spares_.push_back(std::move(name));
      }
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
  std::deque<std::string> spares;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    pool.swap(pool_);
    spares.swap(spares_);
  }
  for (auto& prewarmed : pool) {
    prewarmed.launcher.reset();  // the helper exits and is reaped
    (void)cgroups_->RemoveSlot(prewarmed.slot);
  }
  for (const auto& name : spares) DiscardSpare(name);
}

Status ContainerService::MakeSpare(const std::string& name) {
  RETURN_IF_ERROR(snapshotter_->Prepare(name, IdMapping{}));
  const std::string dir = StateDir(name);
  Status made = ::mkdir(dir.c_str(), 0700) == 0 ? OkStatus() : ErrnoStatus("create '" + dir + "'");
  for (const char* file : {kStdoutLog, kStderrLog, kShimLog}) {
    if (!made.ok()) break;
    UniqueFd fd(::open((dir + file).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd) made = ErrnoStatus("create '" + dir + file + "'");
  }
  if (!made.ok()) DiscardSpare(name);
  return made;
}

void ContainerService::DiscardSpare(const std::string& name) {
  (void)snapshotter_->Remove(name);
  (void)(config_.trash ? config_.trash->Discard(StateDir(name)) : RemoveTree(StateDir(name)));
}

Status ContainerService::PrepareDirectories(const std::string& id, const IdMapping& ids) {
  std::optional<std::string> spare;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!spares_.empty()) {
      spare = std::move(spares_.front());
      spares_.pop_front();
    }
  }
  if (spare) {
    pool_changed_.notify_all();
    if (snapshotter_->Rekey(*spare, id, ids).ok()) {
      if (::rename(StateDir(*spare).c_str(), StateDir(id).c_str()) == 0) return OkStatus();
      (void)snapshotter_->Remove(id);
    }
    DiscardSpare(*spare);  // and make them afresh
  }
  RETURN_IF_ERROR(snapshotter_->Prepare(id, ids));
  if (::mkdir(StateDir(id).c_str(), 0700) != 0) return ErrnoStatus("create '" + StateDir(id) + "'");
  return OkStatus();
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
  return PersistRecord(entry.record, entry.shim_pid, entry.shim_start_ticks);
}

Status ContainerService::PersistRecord(const v1::Container& record, pid_t shim_pid,
                                       uint64_t shim_start_ticks) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(
      auto update,
      db_->Prepare(
          "UPDATE containers SET record = ?, shim_pid = ?, shim_start_ticks = ? WHERE id = ?"));
  update.BindBlob(1, record.SerializeAsString())
      .Bind(2, static_cast<int64_t>(shim_pid))
      .Bind(3, static_cast<int64_t>(shim_start_ticks))
      .Bind(4, record.id());
  return update.Run().Annotate("persist container " + record.id());
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
  RETURN_IF_ERROR(ValidateLimitValue("spec.limits", limits.memory_bytes(), limits.cpu_millis(),
                                     limits.pids_max()));
  RETURN_IF_ERROR(BlockDeviceThrottles(limits, "spec.limits").status());
  RETURN_IF_ERROR(ValidateRestartPolicy(spec.restart_policy(), "spec.restart_policy"));
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
  bool wants_limits = limits.memory_bytes() || limits.cpu_millis() || limits.pids_max() ||
                      limits.block_devices_size() > 0;
  if (wants_limits && !backend->second->capabilities().limits) {
    return Unimplemented("spec.limits: backend '" + backend_name +
                         "' does not support resource limits");
  }
  if (spec.has_userns()) {
    if (!backend->second->capabilities().userns) {
      return Unimplemented("spec.userns: backend '" + backend_name +
                           "' does not support user namespaces");
    }
    if (config_.userns_range.count == 0) {
      return FailedPrecondition(
          "spec.userns: this agent has no host ids for user namespaces; start boxcard with "
          "--userns-range FIRST:COUNT (e.g. a block of /etc/subuid that no user has)");
    }
    if ((spec.userns().host_uid() == 0) != (spec.userns().host_gid() == 0)) {
      return InvalidArgument("spec.userns: give both host_uid and host_gid, or neither");
    }
  }
  return OkStatus();
}

StatusOr<v1::UserNamespace> ContainerService::PlaceUserNamespace(const v1::UserNamespace& wanted) {
  const uint64_t range_first = config_.userns_range.first;
  const uint64_t range_end = range_first + config_.userns_range.count;
  const uint64_t size = wanted.size() ? wanted.size() : kDefaultUserNamespaceSize;
  const std::string range = IdBlockText(range_first, config_.userns_range.count);
  // Every container's uid and gid blocks, taken alike: no two containers share a host id.
  std::vector<std::pair<uint64_t, uint64_t>> taken;  // [first, end)
  for (const auto& [id, entry] : entries_) {
    const v1::ContainerSpec& other = entry->record.spec();
    if (!other.has_userns()) continue;
    taken.emplace_back(other.userns().host_uid(),
                       other.userns().host_uid() + other.userns().size());
    taken.emplace_back(other.userns().host_gid(),
                       other.userns().host_gid() + other.userns().size());
  }
  auto holder_of = [&](uint64_t first) -> const std::pair<uint64_t, uint64_t>* {
    for (const auto& block : taken) {
      if (first < block.second && block.first < first + size) return &block;
    }
    return nullptr;
  };
  v1::UserNamespace placed;
  placed.set_size(static_cast<uint32_t>(size));
  if (wanted.host_uid() != 0) {
    for (uint64_t first : {uint64_t{wanted.host_uid()}, uint64_t{wanted.host_gid()}}) {
      if (first < range_first || first + size > range_end) {
        return InvalidArgument("spec.userns: host ids " + IdBlockText(first, size) +
                               " lie outside the agent's --userns-range " + range);
      }
      if (const auto* block = holder_of(first)) {
        return AlreadyExists("spec.userns: host ids " + IdBlockText(first, size) + " overlap ids " +
                             IdBlockText(block->first, block->second - block->first) +
                             " of another container");
      }
    }
    placed.set_host_uid(wanted.host_uid());
    placed.set_host_gid(wanted.host_gid());
    return placed;
  }
  // The lowest free start: the range's first id or the end of a taken block.
  std::vector<uint64_t> starts = {range_first};
  for (const auto& block : taken) starts.push_back(block.second);
  std::sort(starts.begin(), starts.end());
  for (uint64_t first : starts) {
    if (first < range_first || first + size > range_end || holder_of(first)) continue;
    placed.set_host_uid(static_cast<uint32_t>(first));
    placed.set_host_gid(static_cast<uint32_t>(first));
    return placed;
  }
  return ResourceExhausted("spec.userns: no block of " + std::to_string(size) +
                           " free host ids is left in --userns-range " + range + " (" +
                           std::to_string(taken.size() / 2) +
                           " containers hold blocks); remove containers or widen the range");
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
    if (spec.has_userns()) {
      ASSIGN_OR_RETURN(*filled.mutable_userns(), PlaceUserNamespace(spec.userns()));
    }
    // Reserve the name (and the user namespace's ids) while the snapshot is prepared.
    entries_[record.id()] = entry;
  }
  auto unreserve = [&](Status failure) {
    std::lock_guard<std::mutex> lock(entries_mutex_);
    entries_.erase(record.id());
    (void)snapshotter_->Remove(record.id());
    (void)RemoveTree(StateDir(record.id()));
    return failure;
  };
  if (Status prepared = PrepareDirectories(record.id(), IdMappingOf(filled)); !prepared.ok())
    return unreserve(prepared);
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    // The image may have been removed or pruned since it was resolved; under the lock that
    // Prune and Remove hold, the container's row then protects it.
    auto image_row = db_->Prepare("SELECT 1 FROM images WHERE id = ?");
    if (!image_row.ok()) return unreserve(image_row.status());
    image_row->Bind(1, record.image_id());
    auto image_exists = image_row->Step();
    if (!image_exists.ok()) return unreserve(image_exists.status());
    if (!*image_exists) {
      return unreserve(NotFound("spec.image: image '" + spec.image() +
                                "' was removed while the container was being created"));
    }
    auto insert =
        db_->Prepare("INSERT INTO containers(id, name, image_id, record) VALUES(?, ?, ?, ?)");
    if (!insert.ok()) return unreserve(insert.status());
    insert->Bind(1, record.id()).Bind(2, record.name()).Bind(3, record.image_id());
    insert->BindBlob(4, record.SerializeAsString());
    if (Status inserted = insert->Run(); !inserted.ok()) return unreserve(inserted);
  }
  spdlog::info("container {} ({}) created from {} on backend {}{}", ShortId(record.id()),
               record.name(), ShortId(record.image_id()), record.backend(),
               filled.has_userns()
                   ? ", user namespace on host uids " +
                         IdBlockText(filled.userns().host_uid(), filled.userns().size())
                   : "");
  Emit(v1::EVENT_TYPE_CREATED, record);
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
  if (record.state() == v1::CONTAINER_STATE_PAUSED) {
    return FailedPrecondition("container: " + record.name() +
                              " is paused; resume it with `boxcar unpause`");
  }
  ++entry->generation;
  entry->stopped_by_user = false;
  // The last run's exit clean-up: done here if the timer thread has not taken it yet,
  // waited for if it has (it would unmount the rootfs this start mounts).
  if (entry->exit_cleanup_pending) {
    entry->exit_cleanup_pending = false;
    WarnIfFailed(record.id(), snapshotter_->Unmount(record.id()));
  }
  DestroyPendingCgroups(*entry);
  entry->changed.wait(lock, [&] { return !entry->exit_cleanup_running; });
  Backend* backend = BackendFor(record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + record.backend() +
                              "' is not configured in this agent");
  const std::string& id = record.id();
  const std::string state_dir = StateDir(id);
  // Resolved again at every start: a device node may have changed since Create.
  ASSIGN_OR_RETURN(std::vector<BlockDeviceThrottle> block_devices,
                   BlockDeviceThrottles(record.spec().limits(), "spec.limits"));

  auto started_at = std::chrono::steady_clock::now();
  auto elapsed_us = [&started_at] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 started_at)
        .count();
  };
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs,
                   images_->LayerDirectories(record.image_id()));
  const IdMapping userns = IdMappingOf(record.spec());
  ASSIGN_OR_RETURN(std::string rootfs_dir, snapshotter_->Mount(id, layer_dirs, userns));
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
  spec.stdout_path = state_dir + kStdoutLog;
  spec.stderr_path = state_dir + kStderrLog;
  spec.exit_file = state_dir + "/exit.json";
  spec.shim_log_path = state_dir + kShimLog;
  spec.userns = userns;
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
                           record.spec().limits().cpu_millis(), record.spec().limits().pids_max(),
                           std::move(block_devices)};
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
  record.set_cgroup_helper_processes((was_prewarmed ? 1 : 0) +
                                     backend->capabilities().helper_processes_in_cgroup);
  RETURN_IF_ERROR(Persist(*entry));
  UniqueFd shim_pidfd = OpenPidfd(launched->shim_pid);
  if (!shim_pidfd) {
    // The shim is our child: it cannot have been reaped yet, so this is a real error.
    return ErrnoStatus("pidfd_open of boxcar-shim for container " + id);
  }
  RETURN_IF_ERROR(monitor_.Watch(id, std::move(shim_pidfd)));
  spdlog::info("container {} started, pid {}", ShortId(id), launched->init_pid);
  Emit(v1::EVENT_TYPE_STARTED, record);
  spdlog::debug("container {} start ({}): mount {} us, cgroups {} us, launch {} us, total {} us",
                ShortId(id), was_prewarmed ? "prewarmed" : "cold", mounted_us,
                cgroups_us - mounted_us, elapsed_us() - cgroups_us, elapsed_us());
  return record;
}

void ContainerService::FinishExit(Entry& entry, bool defer_cleanup) {
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
  record.set_oom_killed(cgroups_->OomKilled(id));
  entry.cgroups_pending = true;
  entry.exit_cleanup_pending = defer_cleanup;
  if (!defer_cleanup) {
    DestroyPendingCgroups(entry);
    WarnIfFailed(id, snapshotter_->Unmount(id));
  }
  record.set_state(v1::CONTAINER_STATE_EXITED);
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

void ContainerService::DestroyPendingCgroups(Entry& entry) {
  if (!entry.cgroups_pending) return;
  entry.cgroups_pending = false;
  WarnIfFailed(entry.record.id(), cgroups_->Destroy(entry.record.id()));
}

ContainerService::EntryPtr ContainerService::FindById(const std::string& id) {
  std::lock_guard<std::mutex> lock(entries_mutex_);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second;
}

void ContainerService::OnProcessExited(const std::string& id) {
  EntryPtr entry = FindById(id);
  if (!entry) return;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (!IsLive(entry->record.state())) return;
    FinishExit(*entry, /*defer_cleanup=*/true);
  }
  // Waiters have their answer. The rest of the exit's clean-up (recording the exit, the
  // unmount, the empty cgroups) runs now on the timer thread, outside the job lock: a Remove
  // meanwhile does its own work alongside and waits for it at the end, a Start first.
  timers_.RunAt(TimerQueue::Clock::now(), [this, id] { CompleteExit(id); });
}

void ContainerService::CompleteExit(const std::string& id) {
  EntryPtr exited = FindById(id);
  if (!exited) return;
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
    remove = exited->remove_on_exit && !exited->removed;
  }
  if (cleanup) {
    // The exit record is the shim's exit.json until this lands; an agent killed before then
    // finds the container running with a dead shim and reads that file again.
    if (Status persisted = PersistRecord(record, 0, 0); !persisted.ok()) {
      spdlog::error("{}", persisted.message());
    }
    WarnIfFailed(id, snapshotter_->Unmount(id));
    WarnIfFailed(id, cgroups_->Destroy(id));
    std::lock_guard<std::mutex> lock(exited->mutex);
    exited->exit_cleanup_running = false;
    exited->changed.notify_all();
  }
  if (remove) {
    if (auto removed = Remove(id, false); !removed.ok()) {
      spdlog::warn("container {}: removal at exit failed: {}; remove it with boxcar rm",
                   ShortId(id), removed.status().message());
    }
  }
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
  return Remove(entry->record.id(), false).status();
}

bool ContainerService::WaitUntilNotRunning(Entry& entry, std::unique_lock<std::mutex>& lock,
                                           std::chrono::steady_clock::time_point deadline) {
  return entry.changed.wait_until(lock, deadline, [&] { return !IsLive(entry.record.state()); });
}

StatusOr<v1::Container> ContainerService::Stop(const std::string& container,
                                               uint32_t timeout_seconds) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  // Also cancels a restart the restart policy has scheduled.
  entry->stopped_by_user = true;
  ++entry->generation;
  if (!IsLive(entry->record.state())) return entry->record;
  Backend* backend = BackendFor(entry->record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + entry->record.backend() + "' is not configured");
  int stop_signal = SIGTERM;
  if (auto image = images_->Resolve(entry->record.image_id(), "image"); image.ok()) {
    if (int parsed = ParseSignal(image->config().stop_signal()); parsed != 0) stop_signal = parsed;
  }
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
    return FailedPrecondition("container: " + entry->record.name() + " is not running");
  }
  Backend* backend = BackendFor(entry->record);
  if (backend == nullptr)
    return FailedPrecondition("backend: '" + entry->record.backend() + "' is not configured");
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

StatusOr<v1::Container> ContainerService::Remove(const std::string& container, bool force) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  const std::string id = record.id();
  if (IsLive(record.state())) {
    if (!force) {
      return FailedPrecondition("container: " + record.name() +
                                " is running; stop it first (boxcar stop) or remove with --force");
    }
    entry->stopped_by_user = true;
    Backend* backend = BackendFor(record);
    if (backend != nullptr) (void)backend->Signal(RunningOf(*entry), SIGKILL);
    (void)ThawIfPaused(*entry);
    if (!WaitUntilNotRunning(*entry, lock,
                             std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
      return Internal("container " + record.name() + " did not exit 30 s after SIGKILL");
    }
  }
  entry->exit_cleanup_pending = false;  // done below, unless the timer thread is at it
  RETURN_IF_ERROR(snapshotter_->Remove(id));
  // Unless the exit's clean-up is already destroying them (outside this lock; waited for
  // below, after the rest of the removal, so that both overlap).
  entry->cgroups_pending = false;
  if (!entry->exit_cleanup_running) RETURN_IF_ERROR(cgroups_->Destroy(id));
  RETURN_IF_ERROR(config_.trash ? config_.trash->Discard(StateDir(id)) : RemoveTree(StateDir(id)));
  {
    std::lock_guard<std::mutex> db_lock(db_->mutex());
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM containers WHERE id = ?"));
    remove.Bind(1, id);
    RETURN_IF_ERROR(remove.Run());
  }
  entry->changed.wait(lock, [&] { return !entry->exit_cleanup_running; });
  entry->removed = true;
  ++entry->generation;
  entry->changed.notify_all();
  Emit(v1::EVENT_TYPE_DELETED, record);
  {
    std::lock_guard<std::mutex> entries_lock(entries_mutex_);
    entries_.erase(id);
  }
  spdlog::info("container {} removed", ShortId(id));
  return record;
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
  } sources[] = {{v1::LOG_STREAM_STDOUT, state_dir + kStdoutLog, {}},
                 {v1::LOG_STREAM_STDERR, state_dir + kStderrLog, {}}};
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    // Whether the payload had exited before this pass: then a pass to EOF sees all output.
    bool finished;
    {
      std::lock_guard<std::mutex> lock(entry->mutex);
      finished = entry->removed || !IsLive(entry->record.state());
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
      entry->changed.wait_for(lock, std::chrono::milliseconds(20),
                              [&] { return entry->removed || !IsLive(entry->record.state()); });
    }
  }
}

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
    return FailedPrecondition("container: " + record.name() + " is not running");
  }
  Backend* backend = BackendFor(record);
  if (backend == nullptr || !backend->capabilities().pause) {
    return Unimplemented("pause: backend '" + record.backend() + "' cannot pause containers");
  }
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
  Backend* backend = BackendFor(record);
  if (backend == nullptr || !backend->capabilities().limits) {
    return Unimplemented("stats: backend '" + record.backend() +
                         "' does not account resources in cgroups");
  }
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
  RETURN_IF_ERROR(ValidateLimitValue("limits", request.memory_bytes(), request.cpu_millis(),
                                     request.pids_max()));
  if (request.has_restart_policy()) {
    RETURN_IF_ERROR(ValidateRestartPolicy(request.restart_policy(), "restart_policy"));
  }
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(request.container()));
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  const bool changes_limits =
      request.has_memory_bytes() || request.has_cpu_millis() || request.has_pids_max();
  Backend* backend = BackendFor(record);
  if (changes_limits && (backend == nullptr || !backend->capabilities().limits)) {
    return Unimplemented("limits: backend '" + record.backend() +
                         "' does not support resource limits");
  }
  if (changes_limits && IsLive(record.state())) {
    CgroupLimitsUpdate update;
    if (request.has_memory_bytes()) update.memory_bytes = request.memory_bytes();
    if (request.has_cpu_millis()) update.cpu_millis = request.cpu_millis();
    if (request.has_pids_max()) {
      update.pids_max =
          request.pids_max() == 0 ? 0 : request.pids_max() + record.cgroup_helper_processes();
    }
    RETURN_IF_ERROR(cgroups_->UpdateLimits(record.id(), update));
  }
  v1::ResourceLimits& limits = *record.mutable_spec()->mutable_limits();
  if (request.has_memory_bytes()) limits.set_memory_bytes(request.memory_bytes());
  if (request.has_cpu_millis()) limits.set_cpu_millis(request.cpu_millis());
  if (request.has_pids_max()) limits.set_pids_max(request.pids_max());
  if (request.has_restart_policy()) {
    *record.mutable_spec()->mutable_restart_policy() = request.restart_policy();
  }
  RETURN_IF_ERROR(Persist(*entry));
  spdlog::info("container {} updated", ShortId(record.id()));
  Emit(v1::EVENT_TYPE_UPDATED, record);
  return record;
}

StatusOr<std::unique_ptr<ExecSession>> ContainerService::Exec(const std::string& container,
                                                              const v1::ExecSpec& spec,
                                                              int* exit_code_hint) {
  if (spec.command().empty() || spec.command(0).empty()) {
    return InvalidArgument("start.spec.command: a command to run is required");
  }
  if (!spec.working_dir().empty() && spec.working_dir()[0] != '/') {
    return InvalidArgument("start.spec.working_dir: '" + spec.working_dir() +
                           "' must be an absolute path");
  }
  for (const auto& entry : spec.env()) {
    if (entry.find('=') == std::string::npos || entry[0] == '=') {
      return InvalidArgument("start.spec.env: '" + entry + "' is not KEY=value");
    }
  }
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
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
      return FailedPrecondition("container: " + record.name() + " is not running");
    }
    backend = BackendFor(record);
    if (backend == nullptr || !backend->capabilities().exec) {
      return Unimplemented("exec: backend '" + record.backend() +
                           "' cannot run processes in containers");
    }
    exec.container_id = record.id();
    exec.init_pid = record.pid();
    ASSIGN_OR_RETURN(exec.init_start_ticks, ReadProcessStartTicks(record.pid()));
    exec.argv.assign(spec.command().begin(), spec.command().end());
    exec.env = MergeEnv(record.spec().env(), spec.env());
    exec.working_dir =
        spec.working_dir().empty() ? record.spec().working_dir() : spec.working_dir();
    exec.user = spec.user().empty() ? record.spec().user() : spec.user();
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

StatusOr<v1::CommitContainerResponse> ContainerService::Commit(
    const v1::CommitContainerRequest& request) {
  const v1::CommitChanges& changes = request.changes();
  ImageStore::CommitChanges store_changes;
  if (changes.has_cmd()) {
    store_changes.cmd.emplace(changes.cmd().values().begin(), changes.cmd().values().end());
  }
  if (changes.has_entrypoint()) {
    store_changes.entrypoint.emplace(changes.entrypoint().values().begin(),
                                     changes.entrypoint().values().end());
  }
  for (const auto& entry : changes.env()) {
    if (entry.find('=') == std::string::npos || entry[0] == '=') {
      return InvalidArgument("changes.env: '" + entry + "' is not KEY=value");
    }
    store_changes.env.push_back(entry);
  }
  if (changes.has_working_dir()) {
    if (changes.working_dir().empty() || changes.working_dir()[0] != '/') {
      return InvalidArgument("changes.working_dir: '" + changes.working_dir() +
                             "' must be an absolute path");
    }
    store_changes.working_dir = changes.working_dir();
  }
  if (changes.has_user()) store_changes.user = changes.user();
  store_changes.comment = request.message();

  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(request.container()));
  std::lock_guard<std::mutex> lock(entry->mutex);  // no start, stop or remove meanwhile
  v1::Container& record = entry->record;
  store_changes.created_by = "boxcar commit " + record.name();
  store_changes.ids = IdMappingOf(record.spec());
  // A running payload keeps writing; freeze it while its changes are read.
  bool froze = false;
  Backend* backend = BackendFor(record);
  const bool pause = request.has_pause() ? request.pause() : true;
  if (record.state() == v1::CONTAINER_STATE_RUNNING && pause && backend != nullptr &&
      backend->capabilities().pause) {
    RETURN_IF_ERROR(cgroups_->Freeze(record.id()));
    froze = true;
  }
  auto image = images_->Commit(record.image_id(), snapshotter_->ChangesDir(record.id()),
                               request.reference(), store_changes);
  if (froze) {
    if (Status thawed = cgroups_->Thaw(record.id()); !thawed.ok()) {
      spdlog::error("container {}: thaw after commit: {}", ShortId(record.id()), thawed.message());
    }
  }
  if (!image.ok()) return image.status();
  spdlog::info("container {} committed as image {}", ShortId(record.id()), ShortId(image->id()));
  v1::CommitContainerResponse response;
  response.set_image_id(image->id());
  response.mutable_references()->Add(image->references().begin(), image->references().end());
  return response;
}

StatusOr<std::shared_ptr<EventBus::Subscription>> ContainerService::SubscribeEvents(
    const std::vector<std::string>& containers) {
  std::set<std::string> ids;
  for (const auto& container : containers) {
    ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
    std::lock_guard<std::mutex> lock(entry->mutex);
    ids.insert(entry->record.id());
  }
  return events_.Subscribe(std::move(ids));
}

Status ContainerService::Recover() {
  RETURN_IF_ERROR(MakeDirectories(config_.root_dir + "/containers", 0700));
  (void)MarkTopDirectory(config_.root_dir + "/containers");  // see directory_tree.h
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
    if (!IsLive(entry->record.state())) {
      // A crash may have come between the exit and its clean-up.
      (void)snapshotter_->Unmount(id);
      (void)cgroups_->Destroy(id);
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
