#include "core/health_monitors.h"

namespace boxcar {

HealthMonitors::HealthMonitors(std::chrono::nanoseconds worker_idle_timeout)
    : worker_idle_timeout_(worker_idle_timeout) {}

void HealthMonitors::Start(const std::string& key, std::chrono::nanoseconds first_delay,
                           Probe probe) {
  std::lock_guard<std::mutex> lock(mutex_);
  JoinEndedWorkersLocked();
  if (stopping_) return;
  if (auto old = loops_.find(key); old != loops_.end()) {
    std::shared_ptr<HealthLoop> replaced = old->second;
    replaced->stop = true;
    EndLocked(replaced);
  }
  auto loop = std::make_shared<HealthLoop>();
  loop->key = key;
  loop->probe = std::move(probe);
  loop->scheduled = due_.emplace(Clock::now() + first_delay, loop);
  loops_[key] = loop;
  if (!scheduler_.joinable()) scheduler_ = std::thread([this] { Schedule(); });
  schedule_changed_.notify_one();
}

void HealthMonitors::Schedule() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      schedule_changed_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (first->first > Clock::now()) {
      schedule_changed_.wait_until(lock, first->first);
      continue;
    }
    std::shared_ptr<HealthLoop> loop = std::move(first->second);
    due_.erase(first);
    loop->scheduled.reset();
    DispatchLocked(std::move(loop));
  }
}

void HealthMonitors::DispatchLocked(std::shared_ptr<HealthLoop> loop) {
  ready_.push_back(std::move(loop));
  if (idle_workers_ > 0) {
    work_ready_.notify_one();
  } else {
    SpawnWorkerLocked();
  }
}

void HealthMonitors::SpawnWorkerLocked() {
  JoinEndedWorkersLocked();
  // One at a time: a burst of due loops grows the pool only while workers it has are busy.
  if (worker_starting_ || stopping_ || workers_.size() >= kMaxWorkers) return;
  worker_starting_ = true;
  Worker& worker = workers_.emplace_back();
  worker.thread = std::thread([this, self = &worker] { Work(self); });
}

void HealthMonitors::Work(Worker* self) {
  std::unique_lock<std::mutex> lock(mutex_);
  worker_starting_ = false;
  for (;;) {
    if (ready_.empty()) {
      if (stopping_) break;
      ++idle_workers_;
      const bool woken = work_ready_.wait_for(lock, worker_idle_timeout_,
                                              [&] { return stopping_ || !ready_.empty(); });
      --idle_workers_;
      if (!woken) break;  // idle too long: a later Start, Stop or dispatch joins this thread
      continue;
    }
    std::shared_ptr<HealthLoop> loop = std::move(ready_.front());
    ready_.pop_front();
    if (loop->stop) continue;  // stopped while it waited for a worker
    // Due loops still wait and no worker is free: one more worker.
    if (!ready_.empty() && idle_workers_ == 0) SpawnWorkerLocked();
    lock.unlock();
    std::optional<std::chrono::nanoseconds> next = loop->probe(loop->stop);
    lock.lock();
    if (!next || loop->stop || stopping_) {
      EndLocked(loop);
      continue;
    }
    loop->scheduled = due_.emplace(Clock::now() + *next, loop);
    schedule_changed_.notify_one();
  }
  self->done = true;
}

void HealthMonitors::EndLocked(const std::shared_ptr<HealthLoop>& loop) {
  if (auto it = loops_.find(loop->key); it != loops_.end() && it->second == loop) {
    loops_.erase(it);
  }
  if (loop->scheduled) {
    due_.erase(*loop->scheduled);
    loop->scheduled.reset();
  }
}

void HealthMonitors::Stop(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  JoinEndedWorkersLocked();
  auto it = loops_.find(key);
  if (it == loops_.end()) return;
  std::shared_ptr<HealthLoop> loop = it->second;
  loop->stop = true;  // a probe in progress sees it; a loop in ready_ is skipped
  EndLocked(loop);
}

void HealthMonitors::StopAll() {
  std::thread scheduler;
  std::list<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [key, loop] : loops_) loop->stop = true;
    for (auto& loop : ready_) loop->stop = true;
    for (auto& [when, loop] : due_) loop->scheduled.reset();
    loops_.clear();
    due_.clear();
    ready_.clear();
    scheduler = std::move(scheduler_);
    // The nodes move, their addresses stay: a worker still sets its own `done` (unread now).
    workers.splice(workers.end(), workers_);
  }
  schedule_changed_.notify_all();
  work_ready_.notify_all();
  if (scheduler.joinable()) scheduler.join();
  for (Worker& worker : workers) worker.thread.join();
}

size_t HealthMonitors::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return loops_.size();
}

size_t HealthMonitors::waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return due_.size();
}

size_t HealthMonitors::threads() {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t live = scheduler_.joinable() ? 1 : 0;
  for (const Worker& worker : workers_) live += worker.done ? 0 : 1;
  return live;
}

void HealthMonitors::JoinEndedWorkersLocked() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done) {
      // `done` is set as the thread's last step under mutex_: joining waits only for its return.
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace boxcar
