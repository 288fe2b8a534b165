#include "backends/libvirt/libvirt_lingering_domains.h"

namespace boxcar {

LibvirtLingeringDomains::LibvirtLingeringDomains(Check check)
    : check_(std::move(check)), thread_([this] { Loop(); }) {}

LibvirtLingeringDomains::~LibvirtLingeringDomains() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void LibvirtLingeringDomains::Add(const std::string& name, const std::string& uuid,
                                  bool init_ended) {
  if (uuid.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.emplace(Clock::now() + kGrace, Pending{name, uuid, init_ended, 0});
  }
  changed_.notify_all();
}

void LibvirtLingeringDomains::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      changed_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      continue;
    }
    auto first = pending_.begin();
    if (first->first > Clock::now()) {
      changed_.wait_until(lock, first->first);
      continue;
    }
    Pending due = std::move(first->second);
    pending_.erase(first);
    lock.unlock();
    const bool settled = check_(due.name, due.uuid, due.init_ended);
    lock.lock();
    if (!settled && ++due.checks < kMaxChecks) {
      pending_.emplace(Clock::now() + kGrace, std::move(due));
    }
  }
}

}  // namespace boxcar
