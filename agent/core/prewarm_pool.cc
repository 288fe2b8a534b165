#include "core/prewarm_pool.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "common/crash_points.h"
#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "common/trash_can.h"
#include "common/unique_fd.h"
#include "core/container_paths.h"

namespace boxcar {

namespace {

// Names of spare directories; never a container id (64 hex).
constexpr const char* kSparePrefix = "spare-";
// Recycled spares kept at most (unless `count` is higher): a burst of 100 removals, then of
// 100 creates, makes no directory. Each is 4 empty directories and 2 empty files on disk.
// Also the most helpers a burst's demand grows the pool to.
constexpr size_t kMaxSpares = 128;

// Whether the helper `pid` runs in a network namespace other than the agent's (a shim
// unshares its own first thing), waiting up to `patience` for it: helpers run at SCHED_IDLE,
// and on a busy host one may not have made its namespace yet.
bool InOwnNetworkNamespace(pid_t pid, std::chrono::milliseconds patience) {
  struct stat own {};
  if (::stat("/proc/self/ns/net", &own) != 0) return false;
  const std::string helper = "/proc/" + std::to_string(pid) + "/ns/net";
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    struct stat theirs {};
    if (::stat(helper.c_str(), &theirs) != 0) return false;
    if (theirs.st_ino != own.st_ino || theirs.st_dev != own.st_dev) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

PrewarmPool::PrewarmPool(PrewarmPoolConfig config, Backend* backend, ContainerCgroups* cgroups,
                         Snapshotter* snapshotter)
    : config_(std::move(config)),
      backend_(backend),
      cgroups_(cgroups),
      snapshotter_(snapshotter),
      target_(config_.count) {
  if (backend_ != nullptr && (config_.count == 0 || !backend_->capabilities().prewarm ||
                              !cgroups_->SupportsSlots())) {
    backend_ = nullptr;
  }
}

std::string PrewarmPool::StateDir(const std::string& name) const {
  return ContainerStateDir(config_.root_dir, name);
}

void PrewarmPool::Start() {
  if (backend_ == nullptr || refill_thread_.joinable()) return;
  refill_thread_ = std::thread([this] { RefillLoop(); });
}

void PrewarmPool::FoldDemand() {
  target_ = std::clamp<size_t>(std::max(target_, asked_since_full_), config_.count, MaxSpares());
  if (slots_.size() >= target_) asked_since_full_ = 0;
}

std::deque<PrewarmPool::Slot> PrewarmPool::ShrinkIfUnasked() {
  std::deque<Slot> surplus;
  if (target_ <= config_.count || Clock::now() - last_asked_ < config_.shrink_after) return surplus;
  target_ = std::max<size_t>(config_.count, target_ / 2);
  last_asked_ = Clock::now();  // the next halving after another `shrink_after`
  while (slots_.size() > target_) {
    surplus.push_back(std::move(slots_.back()));
    slots_.pop_back();
  }
  return surplus;
}

void PrewarmPool::RefillLoop() {
  // Refill in bursts: on v1 the first migration into a cgroup waits for an RCU grace period,
  // the ones right after it do not, so a burst costs about one grace period in all.
  // A kind is refilled once it fell below half of what is kept of it.
  auto below_half = [](size_t have, size_t kept) { return have < std::max<size_t>(1, kept / 2); };
  auto backoff = std::chrono::milliseconds(0);
  for (;;) {
    size_t missing = 0;
    size_t missing_with_veth = 0;
    size_t missing_spares = 0;
    std::deque<Slot> surplus;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, backoff, [&] { return stopping_.load(); });
      for (;;) {
        FoldDemand();
        if (stopping_ || below_half(slots_.size(), target_) ||
            below_half(spares_.size(), target_) ||
            (idle_veths_wanted_ && below_half(veth_slots_.size(), config_.count))) {
          break;
        }
        surplus = ShrinkIfUnasked();
        if (!surplus.empty()) break;
        changed_.wait_for(lock, config_.shrink_after);
      }
      if (stopping_) return;
      if (surplus.empty()) {
        // Sized after the burst that emptied the pool, not in its first takes.
        lock.unlock();
        if (!WaitForIdleTime()) return;
        lock.lock();
        FoldDemand();
      }
      missing = target_ - std::min<size_t>(target_, slots_.size());
      if (idle_veths_wanted_) {
        missing_with_veth = config_.count - std::min<size_t>(config_.count, veth_slots_.size());
      }
      // Recycled spares may be more than the target.
      missing_spares = target_ - std::min<size_t>(target_, spares_.size());
    }
    for (auto& slot : surplus) ReleaseSlot(std::move(slot));
    std::vector<std::unique_ptr<PrewarmedLauncher>> launchers;
    Status failure;
    for (size_t i = 0; i < missing + missing_with_veth && failure.ok(); ++i) {
      if (!WaitForIdleTime()) break;
      auto launcher = backend_->Prewarm();
      if (launcher.ok()) {
        launchers.push_back(std::move(*launcher));
      } else {
        failure = launcher.status();
      }
    }
    size_t idle_veths_made = 0;
    for (size_t i = 0; i < launchers.size(); ++i) {
      auto& launcher = launchers[i];
      // A helper left without a slot when the pool stops exits with its launcher.
      if (!WaitForIdleTime()) break;
      std::string slot = slot_prefix() + ShortId(NewContainerId());
      Status joined = cgroups_->CreateSlot(slot, launcher->pid());
      if (!joined.ok()) {
        failure = joined;
        launcher.reset();                   // the helper exits and is reaped
        (void)cgroups_->RemoveSlot(slot);  // and what CreateSlot made goes
        continue;
      }
      std::string idle_veth;
      if (i >= missing && config_.prepare_idle_veth &&
          InOwnNetworkNamespace(launcher->pid(), std::chrono::seconds(1))) {
        idle_veth = config_.prepare_idle_veth(launcher->pid(), slot);
      }
      idle_veths_made += !idle_veth.empty();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_veth.empty()) {
          veth_slots_.push_back({std::move(launcher), slot, std::move(idle_veth)});
          continue;
        }
        if (slots_.size() < target_) {
          slots_.push_back({std::move(launcher), slot, ""});
          continue;
        }
      }
      ReleaseSlot({std::move(launcher), slot, ""});  // a pair was wanted, none was made
    }
    if (missing_with_veth > 0 && idle_veths_made == 0 && failure.ok()) {
      // No bridge network is plumbed (any more), or the helpers had no namespace in time:
      // the next start that wants a pair asks again.
      std::lock_guard<std::mutex> lock(mutex_);
      idle_veths_wanted_ = false;
    }
    for (size_t i = 0; i < missing_spares && failure.ok(); ++i) {
      if (!WaitForIdleTime()) break;
      std::string name = std::string(kSparePrefix) + ShortId(NewContainerId());
      failure = MakeSpare(name);
      if (failure.ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        spares_.push_back(std::move(name));
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      FoldDemand();  // the demand of a burst this pass waited out, before the pool counts as full
    }
    backoff = std::chrono::milliseconds(0);
    if (!failure.ok()) {
      spdlog::warn("prewarming {} helpers failed: {}; retrying in 1 s", backend_->name(),
                   failure.message());
      backoff = std::chrono::seconds(1);
    }
  }
}

bool PrewarmPool::WaitForIdleTime() {
  WaitUntilIdle(config_.idle_gate, [this] { return stopping_.load(); });
  return !stopping_;
}

void PrewarmPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (refill_thread_.joinable()) refill_thread_.join();
  std::deque<Slot> slots;
  std::deque<std::string> spares;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    slots.swap(slots_);
    for (auto& slot : veth_slots_) slots.push_back(std::move(slot));
    veth_slots_.clear();
    spares.swap(spares_);
  }
  // A helper's idle pair goes with its network namespace when the helper exits.
  for (auto& slot : slots) ReleaseSlot(std::move(slot));
  for (const auto& name : spares) DiscardSpare(name);
  // Whatever of ours is still there (a slot a failed start or adoption left): the last sweep.
  if (cgroups_) (void)cgroups_->RemoveStaleSlots(slot_prefix());
}

Status PrewarmPool::MakeSpare(const std::string& name) {
  RETURN_IF_ERROR(snapshotter_->Prepare(name, IdMapping{}));
  const std::string dir = StateDir(name);
  Status made = ::mkdir(dir.c_str(), 0700) == 0 ? OkStatus() : ErrnoStatus("create '" + dir + "'");
  if (made.ok()) made = MakeLogFiles(dir);
  if (!made.ok()) DiscardSpare(name);
  return made;
}

Status PrewarmPool::MakeLogFiles(const std::string& dir) {
  for (const char* file : kContainerLogFiles) {
    UniqueFd fd(::open((dir + file).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd) return ErrnoStatus("create '" + dir + file + "'");
  }
  return OkStatus();
}

size_t PrewarmPool::MaxSpares() const { return std::max<size_t>(config_.count, kMaxSpares); }

bool PrewarmPool::Recycle(const std::string& id) {
  if (backend_ == nullptr) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || spares_.size() + spares_recycling_ >= MaxSpares()) return false;
    ++spares_recycling_;
  }
  const std::string name = std::string(kSparePrefix) + ShortId(NewContainerId());
  const std::string state_dir = StateDir(id);
  // In this order, so that a failure leaves everything under `id` for the caller to delete.
  Status recycled = snapshotter_->Reset(id);
  if (recycled.ok()) recycled = DiscardContents(config_.trash, state_dir);
  if (recycled.ok()) recycled = MakeLogFiles(state_dir);
  if (recycled.ok()) recycled = snapshotter_->Rekey(id, name, IdMapping{});
  // A crash from here on leaves a snapshot and a state directory no container owns, under
  // either name: start-up removes them.
  if (recycled.ok()) CrashPoint("remove.half_recycled");
  if (recycled.ok() && ::rename(state_dir.c_str(), StateDir(name).c_str()) != 0) {
    recycled = ErrnoStatus("rename '" + state_dir + "' to '" + StateDir(name) + "'");
    if (!snapshotter_->Rekey(name, id, IdMapping{}).ok()) (void)snapshotter_->Remove(name);
  }
  bool discard = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --spares_recycling_;
    if (recycled.ok() && stopping_) {
      discard = true;  // Stop has discarded the spares already
    } else if (recycled.ok()) {
      spares_.push_back(name);
    }
  }
  if (discard) DiscardSpare(name);
  if (!recycled.ok()) {
    spdlog::debug("container {}: directories not kept as a spare: {}", ShortId(id),
                  recycled.message());
  }
  return recycled.ok();
}

void PrewarmPool::DiscardSpare(const std::string& name) {
  (void)snapshotter_->Remove(name);
  (void)DiscardTree(config_.trash, StateDir(name));
}

std::optional<std::string> PrewarmPool::TakeSpare() {
  std::optional<std::string> spare;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (spares_.empty()) return std::nullopt;
    spare = std::move(spares_.front());
    spares_.pop_front();
  }
  changed_.notify_all();
  return spare;
}

std::optional<PrewarmPool::Slot> PrewarmPool::TakeSlot(Backend* backend, bool wants_idle_veth) {
  if (backend != backend_ || backend == nullptr) return std::nullopt;
  std::optional<Slot> taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wants_idle_veth && config_.prepare_idle_veth) {
      idle_veths_wanted_ = true;
      if (!veth_slots_.empty()) {
        taken = std::move(veth_slots_.front());
        veth_slots_.pop_front();
      }
    }
    if (!taken) {
      ++asked_since_full_;
      last_asked_ = Clock::now();
      if (!slots_.empty()) {
        taken = std::move(slots_.front());
        slots_.pop_front();
      }
    }
  }
  changed_.notify_all();
  return taken;
}

void PrewarmPool::ReleaseSlot(Slot slot) {
  slot.launcher.reset();  // the helper exits and is reaped
  (void)cgroups_->RemoveSlot(slot.name);
}

}  // namespace boxcar
