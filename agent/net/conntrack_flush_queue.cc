#include "net/conntrack_flush_queue.h"

#include <spdlog/spdlog.h>

namespace boxcar {

ConntrackFlushQueue::ConntrackFlushQueue(FlushFunction flush)
    : flush_(std::move(flush)), worker_([this] { Run(); }) {}

ConntrackFlushQueue::~ConntrackFlushQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ConntrackFlushQueue::Enqueue(const std::string& container_id, ConntrackFlush flush,
                                  const std::string& why) {
  if (flush.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& address : flush.addresses) pending_addresses_.insert(address);
    jobs_.push_back({container_id, std::move(flush), why});
  }
  changed_.notify_all();
}

bool ConntrackFlushQueue::Pending(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_addresses_.count(address) > 0;
}

void ConntrackFlushQueue::WaitUntilFlushed(const std::string& address) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return pending_addresses_.count(address) == 0; });
}

void ConntrackFlushQueue::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, with nothing left to run
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    auto deleted = flush_(job.flush);
    const std::string short_id = job.container_id.substr(0, 12);
    if (!deleted.ok()) {
      spdlog::warn("container {}: {}: {}", short_id, job.why, deleted.status().message());
    } else if (*deleted > 0) {
      spdlog::debug("container {}: {}: {} conntrack entries deleted", short_id, job.why, *deleted);
    }
    lock.lock();
    for (const auto& address : job.flush.addresses) {
      pending_addresses_.erase(pending_addresses_.find(address));
    }
    changed_.notify_all();
  }
}

}  // namespace boxcar
