#include "core/health_monitors.h"

namespace boxcar {

void HealthMonitors::Start(const std::string& key, std::chrono::nanoseconds first_delay,
                           Probe probe) {
  std::lock_guard<std::mutex> lock(mutex_);
  JoinEndedLocked();
  if (stopping_) return;
  if (auto old = loops_.find(key); old != loops_.end()) {
    old->second->stop = true;
    retired_.push_back(old->second);
    loops_.erase(old);
    changed_.notify_all();
  }
  auto loop = std::make_shared<Loop>();
  loop->thread = std::thread(
      [this, loop, first_delay, probe = std::move(probe)] { Run(loop, first_delay, probe); });
  loops_[key] = loop;
}

void HealthMonitors::Run(const std::shared_ptr<Loop>& loop, std::chrono::nanoseconds delay,
                         const Probe& probe) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, delay, [&] { return loop->stop.load(); });
      if (loop->stop) break;
    }
    std::optional<std::chrono::nanoseconds> next = probe(loop->stop);
    if (!next || loop->stop) break;
    delay = *next;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  loop->done = true;
  // A loop that ended by itself leaves the map; its thread is joined by the next Start, Stop
  // or StopAll.
  for (auto it = loops_.begin(); it != loops_.end(); ++it) {
    if (it->second == loop) {
      retired_.push_back(loop);
      loops_.erase(it);
      break;
    }
  }
}

void HealthMonitors::Stop(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  JoinEndedLocked();
  auto it = loops_.find(key);
  if (it == loops_.end()) return;
  it->second->stop = true;
  retired_.push_back(it->second);
  loops_.erase(it);
  changed_.notify_all();
}

void HealthMonitors::StopAll() {
  std::vector<std::shared_ptr<Loop>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [key, loop] : loops_) all.push_back(loop);
    all.insert(all.end(), retired_.begin(), retired_.end());
    loops_.clear();
    retired_.clear();
    for (auto& loop : all) loop->stop = true;
    changed_.notify_all();
  }
  for (auto& loop : all) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

size_t HealthMonitors::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return loops_.size();
}

void HealthMonitors::JoinEndedLocked() {
  for (auto it = retired_.begin(); it != retired_.end();) {
    if ((*it)->done) {
      // `done` is set as the thread's last step under mutex_: joining waits only for its return.
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = retired_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace boxcar
