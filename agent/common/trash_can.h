// Deferred deletion: Discard() renames a tree into the trash directory (one rename, so the tree
// is gone from its place at once and atomically) and a background thread deletes it, when
// container starts leave it the time (common/idle_gate.h). What a crash leaves in the trash is
// deleted by the next agent. The trash must be on the same filesystem as what is discarded
// into it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/idle_gate.h"
#include "common/status.h"

namespace boxcar {

class TrashCan {
 public:
  // Creates `trash_dir` if needed, deletes what a previous run left in it, and starts the
  // deleting thread, which waits for `idle_gate` (when not null) before each tree.
  static StatusOr<std::unique_ptr<TrashCan>> Open(const std::string& trash_dir,
                                                  IdleGate* idle_gate = nullptr);
  ~TrashCan();  // deletes what is still pending, then stops
  TrashCan(const TrashCan&) = delete;
  TrashCan& operator=(const TrashCan&) = delete;

  // Moves `path` into the trash; a missing path is fine.
  Status Discard(const std::string& path);
  // Blocks until everything discarded so far is deleted (tests, shutdown); the deleting
  // thread does not wait for the idle gate meanwhile.
  void Drain();

 private:
  TrashCan(std::string trash_dir, IdleGate* idle_gate);
  void Loop();

  std::string trash_dir_;
  IdleGate* idle_gate_;
  std::atomic<int> draining_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t discarded_ = 0;  // trash entries are named by this counter
  uint64_t deleted_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Moves `path` into `trash`, or deletes it at once when `trash` is null (a missing path is fine).
Status DiscardTree(TrashCan* trash, const std::string& path);

// Moves every entry of `dir` into `trash`, or deletes it at once when `trash` is null; `dir`
// itself stays, empty. (A removed container's directories are emptied so to become a spare.)
Status DiscardContents(TrashCan* trash, const std::string& dir);

}  // namespace boxcar
