#include "core/lifecycle_watcher.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

namespace boxcar::nova {

LifecycleWatcher::LifecycleWatcher(AgentClient* agent, std::string agent_name,
                                   std::chrono::milliseconds reconnect_interval)
    : agent_(agent), agent_name_(std::move(agent_name)), reconnect_interval_(reconnect_interval) {}

LifecycleWatcher::~LifecycleWatcher() { Stop(); }

Status LifecycleWatcher::Start() {
  if (thread_.joinable() || stopping_) {
    return FailedPrecondition("a watcher of the agent's events starts once (make a new one)");
  }
  notify_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!notify_fd_) return Internal(std::string("eventfd: ") + strerror(errno));
  thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

void LifecycleWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (current_ != nullptr) current_->Cancel();
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (notify_fd_) Notify();
}

LifecycleWatcher::Drained LifecycleWatcher::Drain() {
  uint64_t count;
  if (notify_fd_) (void)!read(notify_fd_.get(), &count, sizeof(count));
  Drained drained;
  std::lock_guard<std::mutex> lock(mutex_);
  drained.events.assign(events_.begin(), events_.end());
  events_.clear();
  drained.notices = std::move(notices_);
  notices_.clear();
  if (stopping_ && notify_fd_) Notify();  // stays readable: the adapter's loop sees the end
  return drained;
}

void LifecycleWatcher::Notify() {
  uint64_t one = 1;
  (void)!write(notify_fd_.get(), &one, sizeof(one));
}

void LifecycleWatcher::Queue(std::vector<LifecycleEvent> events, std::vector<Notice> notices) {
  if (events.empty() && notices.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& event : events) {
      if (events_.size() >= kMaxQueued) {
        events_.pop_front();
        if (!dropped_reported_) {
          dropped_reported_ = true;
          notices_.push_back({true, "More than " + std::to_string(kMaxQueued) +
                                        " container events were not taken; the oldest are "
                                        "dropped (Nova's power-state sync catches up)"});
        }
      }
      events_.push_back(std::move(event));
    }
    for (auto& notice : notices) notices_.push_back(std::move(notice));
  }
  Notify();
}

void LifecycleWatcher::Run() {
  bool ever_connected = false;
  bool lost_reported = false;
  while (FollowOnce(&ever_connected, &lost_reported)) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_requested_.wait_for(lock, reconnect_interval_, [this] { return stopping_; })) break;
  }
}

bool LifecycleWatcher::FollowOnce(bool* ever_connected, bool* lost_reported) {
  std::unique_ptr<ContainerEventStream> stream = agent_->OpenEvents();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    current_ = stream.get();
  }
  stream->WaitSubscribed();
  // The states are read once the subscription is in place, so no change falls in between.
  // They matter only after a loss: at the first connection Nova has just synced them.
  auto containers = stream->ListContainers();
  if (containers.ok()) {
    std::vector<Notice> notices;
    std::vector<LifecycleEvent> events;
    if (!*ever_connected) {
      notices.push_back(
          {false, "Following the container events of the Boxcar agent at " + agent_name_});
    } else {
      events = LifecycleEventsForStates(*containers);
      notices.push_back({false, "Following the container events of the Boxcar agent at " +
                                    agent_name_ + " again; " + std::to_string(events.size()) +
                                    " instance states re-read"});
    }
    *ever_connected = true;
    *lost_reported = false;
    Queue(std::move(events), std::move(notices));
  }
  v1::ContainerEvent event;
  while (stream->Read(&event)) {
    auto lifecycle = LifecycleEventFor(event);
    if (lifecycle) Queue({std::move(*lifecycle)}, {});
  }
  Status ended = stream->Finish();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = nullptr;
    if (stopping_) return false;
  }
  if (!*lost_reported) {
    *lost_reported = true;
    std::string why = ended.ok() ? "the agent ended the stream" : ended.message();
    Queue({}, {{true, std::string(*ever_connected ? "Lost" : "Cannot follow") +
                          " the container events of the Boxcar agent (" + why +
                          "); retrying every " + std::to_string(reconnect_interval_.count()) +
                          " ms, instances' power states follow Nova's periodic sync "
                          "meanwhile"}});
  }
  return true;
}

}  // namespace boxcar::nova
