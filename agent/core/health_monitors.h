// The health checks' loops: each container with a check waits, runs a probe and waits again
// until stopped. One scheduler thread holds every loop's next probe time; the probes run on a
// pool of worker threads grown on demand and ended after an idle while. A probe runs for up
// to its timeout, so probes do not run on the scheduler's thread (nor on the TimerQueue's:
// restarts and exit clean-ups must not wait behind a probe), and a slow probe holds one
// worker, not the others' probes. A thousand containers with checks cost the scheduler and
// the few workers their probes keep busy at once, not a thread each. No check, no thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace boxcar {

struct HealthLoop;

class HealthMonitors {
 public:
  // Runs one probe; `stop` turns true when the loop is asked to end (a probe polls it).
  // Returns the wait before the next probe, or nullopt to end the loop.
  using Probe =
      std::function<std::optional<std::chrono::nanoseconds>(const std::atomic<bool>& stop)>;

  // Probes running at once, at most (more due wait for a worker).
  static constexpr size_t kMaxWorkers = 64;

  // A worker idle for `worker_idle_timeout` ends.
  explicit HealthMonitors(std::chrono::nanoseconds worker_idle_timeout = std::chrono::seconds(10));
  HealthMonitors(const HealthMonitors&) = delete;
  HealthMonitors& operator=(const HealthMonitors&) = delete;
  ~HealthMonitors() { StopAll(); }

  // The loop of `key` (a container id), replacing the one it had: `probe` first runs after
  // `first_delay`.
  void Start(const std::string& key, std::chrono::nanoseconds first_delay, Probe probe);
  // Asks the loop of `key` to end and returns at once (callers may hold a container's lock,
  // which the loop's probe takes).
  void Stop(const std::string& key);
  // Ends every loop and waits for the threads; Start does nothing afterwards.
  void StopAll();
  // Loops running (a loop whose probe ended it is not counted).
  size_t size();
  // Entries of the schedule: loops waiting for their next probe.
  size_t waiting();
  // Threads held now: the scheduler (once a loop started) and the live workers.
  size_t threads();

 private:
  friend struct HealthLoop;
  using Clock = std::chrono::steady_clock;
  using DueLoops = std::multimap<Clock::time_point, std::shared_ptr<HealthLoop>>;
  struct Worker {
    std::thread thread;
    bool done = false;  // under mutex_: set as the thread's last step
  };

  void Schedule();
  void Work(Worker* self);
  // Hands a due loop to an idle worker, else asks for a new one; mutex_ held.
  void DispatchLocked(std::shared_ptr<HealthLoop> loop);
  // Starts a worker unless one is starting already or kMaxWorkers run; mutex_ held.
  void SpawnWorkerLocked();
  // Takes `loop` off the map (if it is still the key's) and off the schedule; mutex_ held.
  void EndLocked(const std::shared_ptr<HealthLoop>& loop);
  // Joins the workers that ended (idle too long); mutex_ held (they no longer need it).
  void JoinEndedWorkersLocked();

  const std::chrono::nanoseconds worker_idle_timeout_;
  std::mutex mutex_;
  std::condition_variable schedule_changed_;  // the scheduler waits on it
  std::condition_variable work_ready_;        // idle workers wait on it
  std::map<std::string, std::shared_ptr<HealthLoop>> loops_;
  DueLoops due_;                                   // waiting loops by their next probe's time
  std::deque<std::shared_ptr<HealthLoop>> ready_;  // due, waiting for a worker
  std::list<Worker> workers_;                      // a list: a worker keeps its node's address
  size_t idle_workers_ = 0;                        // workers waiting for a due loop
  bool worker_starting_ = false;  // a worker spawned that has not taken the lock yet
  std::thread scheduler_;         // started with the first loop
  bool stopping_ = false;
};

// One container's loop: in exactly one of the schedule (due_), the ready queue or a worker's
// probe, until it ends.
struct HealthLoop {
  std::string key;
  HealthMonitors::Probe probe;
  std::atomic<bool> stop{false};
  std::optional<HealthMonitors::DueLoops::iterator> scheduled;  // its entry while it waits
};

}  // namespace boxcar
