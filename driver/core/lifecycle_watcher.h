// Follows the agent's container events on a thread of its own, as long as it lives: the
// events of Nova instances' containers become lifecycle events in a queue, which the Python
// adapter takes with Drain() when notify_fd() is readable (it waits for that in eventlet's hub,
// where Nova wants its events emitted). While the agent is away (restarting) the watcher
// retries every reconnect_interval; once back, it re-reads every instance's state, since
// whatever happened meanwhile sent no event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "core/agent_client.h"
#include "core/lifecycle_events.h"

namespace boxcar::nova {

class LifecycleWatcher {
 public:
  // What the adapter should log (the core has no logger).
  struct Notice {
    bool warning = false;
    std::string text;
  };
  struct Drained {
    std::vector<LifecycleEvent> events;
    std::vector<Notice> notices;
  };

  // `agent_name` names the agent in notices (its socket).
  LifecycleWatcher(AgentClient* agent, std::string agent_name,
                   std::chrono::milliseconds reconnect_interval);
  ~LifecycleWatcher();
  LifecycleWatcher(const LifecycleWatcher&) = delete;
  LifecycleWatcher& operator=(const LifecycleWatcher&) = delete;

  // Makes notify_fd() and starts the thread; once per watcher (not again after Stop).
  Status Start();
  // Ends the stream and the thread; idempotent. notify_fd() becomes readable.
  void Stop();

  // An eventfd, readable while something is queued (or after Stop).
  int notify_fd() const { return notify_fd_.get(); }
  // Everything queued, oldest first; clears notify_fd().
  Drained Drain();

  // Beyond this many undrained events the oldest are dropped (Nova's sync catches up).
  static constexpr size_t kMaxQueued = 4096;

 private:
  void Run();
  // One subscription, from open to end; false when stopping.
  bool FollowOnce(bool* ever_connected, bool* lost_reported);
  void Queue(std::vector<LifecycleEvent> events, std::vector<Notice> notices);
  void Notify();

  AgentClient* agent_;
  std::string agent_name_;
  std::chrono::milliseconds reconnect_interval_;
  UniqueFd notify_fd_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  ContainerEventStream* current_ = nullptr;  // the open stream, for Stop to cancel
  std::deque<LifecycleEvent> events_;
  std::vector<Notice> notices_;
  bool dropped_reported_ = false;
};

}  // namespace boxcar::nova
