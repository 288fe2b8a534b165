// The health checks' loops: one thread per container with a check, which waits, runs a probe
// and waits again until stopped. A probe runs for up to its timeout, so the loops do not share
// the TimerQueue's single thread (restarts and exit clean-ups must not wait behind a probe).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace boxcar {

class HealthMonitors {
 public:
  // Runs one probe; `stop` turns true when the loop is asked to end (a probe polls it).
  // Returns the wait before the next probe, or nullopt to end the loop.
  using Probe =
      std::function<std::optional<std::chrono::nanoseconds>(const std::atomic<bool>& stop)>;

  HealthMonitors() = default;
  HealthMonitors(const HealthMonitors&) = delete;
  HealthMonitors& operator=(const HealthMonitors&) = delete;
  ~HealthMonitors() { StopAll(); }

  // The loop of `key` (a container id), replacing the one it had: `probe` first runs after
  // `first_delay`.
  void Start(const std::string& key, std::chrono::nanoseconds first_delay, Probe probe);
  // Asks the loop of `key` to end and returns at once (callers may hold a container's lock,
  // which the loop's probe takes).
  void Stop(const std::string& key);
  // Ends every loop and waits for them; Start does nothing afterwards.
  void StopAll();
  // Loops running (ended ones not yet joined are not counted).
  size_t size();

 private:
  struct Loop {
    std::atomic<bool> stop{false};
    bool done = false;  // under mutex_
    std::thread thread;
  };
  void Run(const std::shared_ptr<Loop>& loop, std::chrono::nanoseconds delay, const Probe& probe);
  // Joins the ended loops that Stop retired; mutex_ held (they no longer need it).
  void JoinEndedLocked();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Loop>> loops_;
  std::vector<std::shared_ptr<Loop>> retired_;  // stopped, maybe still in a probe
  bool stopping_ = false;
};

}  // namespace boxcar
