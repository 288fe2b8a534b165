// Work done before a container is asked for, so that a start does less of it:
// - helpers of the default backend, each started and moved into a cgroup slot ahead of time
//   (on v1/hybrid hosts the migration into a cgroup waits for an RCU grace period);
// - spares: a prepared snapshot and a state directory with its empty log files, named
//   "spare-<random>"; a create renames one to the container's id instead of making its
//   directories and files (on ext4 without a journal, allocating an inode skips every inode
//   freed in the last minute one by one, which made each mkdir and log file of a busy agent
//   cost ~0.1 ms: tests/bench/RESULTS.md). A removed container's directories become a spare
//   too, emptied (Recycle), up to kMaxSpares: hosts that remove and create containers all
//   the time then make no directories at all.
// - helpers of a second kind, each with an idle veth pair in its network namespace
//   (net/idle_veth.h), made once a start on a bridge network asked for one: only such starts
//   get them (TakeSlot's `wants_idle_veth`), every other start (none, host, CNI, VIFs) gets a
//   helper whose namespace holds only `lo`.
// A refill thread keeps `count` of each, making them when starts leave it the time
// (common/idle_gate.h): a burst draws on what was made before it, without refills taking CPU
// from its starts. A burst that asked for more plain helpers than the pool held raises the
// number kept to what it asked for (up to MaxSpares()); it halves back towards `count` after
// each `shrink_after` without a start. Slots carry the agent's instance id (see
// cgroups/container_cgroups.h); spares live under the agent's own root. What a killed agent
// left is removed by its next start-up: slots by RemoveStaleSlots, spares like any snapshot
// and state directory no container owns.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "backends/backend.h"
#include "cgroups/container_cgroups.h"
#include "common/idle_gate.h"
#include "common/trash_can.h"
#include "snapshot/snapshotter.h"

namespace boxcar {

struct PrewarmPoolConfig {
  std::string root_dir;           // spares' state directories go in <root>/containers/
  std::string agent_instance_id;  // slot names carry it
  uint32_t count = 0;             // helpers and spares kept ready; 0 disables both
  TrashCan* trash = nullptr;      // where discarded spares go; deleted at once when null
  // Plugs an idle veth pair into a new helper's network namespace (net/idle_veth.h); returns
  // the host end's name, or "" when it made none. Null: no helpers of the second kind.
  std::function<std::string(pid_t helper_pid, const std::string& slot_name)> prepare_idle_veth;
  // What the refill waits for before each helper and spare it makes; null: it does not wait.
  IdleGate* idle_gate = nullptr;
  // How long a pool grown by a burst keeps its size without a start asking for a helper.
  std::chrono::steady_clock::duration shrink_after = std::chrono::minutes(5);
};

class PrewarmPool {
 public:
  // A prewarmed helper inside its cgroup slot.
  struct Slot {
    std::unique_ptr<PrewarmedLauncher> launcher;
    std::string name;
    std::string idle_veth;  // an idle veth pair in the helper's namespace; "" when none
  };

  // `backend` (may be null: no helpers, no spares) must have the "prewarm" capability and
  // `cgroups` slots, else the pool stays empty.
  PrewarmPool(PrewarmPoolConfig config, Backend* backend, ContainerCgroups* cgroups,
              Snapshotter* snapshotter);
  ~PrewarmPool() { Stop(); }

  // Starts the refill thread.
  void Start();
  // Stops it and releases the helpers, their slots and the spares.
  void Stop();

  // A helper for a start on `backend`, if one is ready. With `wants_idle_veth` (a start on a
  // bridge network whose veth an idle pair can become) one with an idle pair if there is one,
  // else a plain one (the start makes its veth; the refill then makes helpers with pairs).
  // Without it, never one with a pair: its eth0 would be in the way of a CNI plugin, and
  // an extra interface in a `none` container.
  std::optional<Slot> TakeSlot(Backend* backend, bool wants_idle_veth = false);
  // Stops the helper and removes its slot (a start that could not use it).
  void ReleaseSlot(Slot slot);
  // The name of a ready spare, if any; the caller renames or discards it.
  std::optional<std::string> TakeSpare();
  void DiscardSpare(const std::string& name);
  // Keeps the directories of the removed container `id` (its snapshot, unmounted, and its
  // state directory) as a spare, emptied: the snapshot Reset, the state directory's files
  // discarded and its empty log files made anew (a reader of the old output keeps the old
  // file). False when the pool keeps no spares, has kMaxSpares or failed: the caller then
  // deletes them as before, still under `id`.
  bool Recycle(const std::string& id);
  // Spares kept, made or recycled: the refill makes `count`; removals add up to this many.
  size_t MaxSpares() const;
  // Whether the pool keeps spares at all (a backend with helpers, `count` > 0).
  bool KeepsSpares() const { return backend_ != nullptr; }

  // Starts that could not use what they took (its slot or spare was gone) and fell back to the
  // ordinary path; counted by the service, reported by `boxcar info`.
  void CountSlotFallback() { ++slot_fallbacks_; }
  void CountSpareFallback() { ++spare_fallbacks_; }
  uint64_t slot_fallbacks() const { return slot_fallbacks_; }
  uint64_t spare_fallbacks() const { return spare_fallbacks_; }

  // Prefix of this agent's slot names.
  std::string slot_prefix() const { return SlotPrefixOf(config_.agent_instance_id); }

 private:
  using Clock = std::chrono::steady_clock;
  void RefillLoop();
  // Under mutex_: raises target_ to what starts asked for since the pool was last full.
  void FoldDemand();
  // Under mutex_: halves a grown target_ no start asked for in `shrink_after`; returns the
  // helpers beyond it, to release.
  std::deque<Slot> ShrinkIfUnasked();
  // Waits for the idle gate; false when the pool is stopping.
  bool WaitForIdleTime();
  Status MakeSpare(const std::string& name);
  // Empty output and shim logs in the state directory `dir`, made before the shim opens them.
  Status MakeLogFiles(const std::string& dir);
  std::string StateDir(const std::string& name) const;

  const PrewarmPoolConfig config_;
  Backend* backend_;
  ContainerCgroups* cgroups_;
  Snapshotter* snapshotter_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Slot> slots_;       // plain helpers
  size_t target_;                // plain helpers kept: `count`, or more after a burst
  size_t asked_since_full_ = 0;  // plain helpers asked for since slots_ last held target_
  Clock::time_point last_asked_ = Clock::now();
  std::deque<Slot> veth_slots_;  // helpers with an idle veth pair
  // A start wanted a helper with a pair: the refill keeps `count` of them from then on, until
  // it fails to make one (no bridge network plumbed any more, or no namespace in time).
  bool idle_veths_wanted_ = false;
  std::deque<std::string> spares_;
  size_t spares_recycling_ = 0;  // Recycle calls under way, counted against MaxSpares
  std::atomic<bool> stopping_{false};  // set under mutex_; WaitForIdleTime reads it without
  std::thread refill_thread_;
  std::atomic<uint64_t> slot_fallbacks_{0};
  std::atomic<uint64_t> spare_fallbacks_{0};
};

}  // namespace boxcar
