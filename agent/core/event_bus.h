// Fan-out of container lifecycle events to every open Events stream. Publishers never block:
// each subscriber has a bounded queue, and one that falls too far behind is cut off (its
// stream ends with RESOURCE_EXHAUSTED) rather than slowing the agent down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

class EventBus {
 public:
  static constexpr size_t kQueueLimit = 4096;

  class Subscription {
   public:
    // Only events of these container ids; all when empty.
    explicit Subscription(std::set<std::string> container_ids)
        : container_ids_(std::move(container_ids)) {}
    // The next event, or nullopt after `timeout` (so the caller can check for cancellation).
    // kResourceExhausted once the queue overflowed, kUnavailable once the bus is closed.
    StatusOr<std::optional<v1::ContainerEvent>> Next(std::chrono::milliseconds timeout);

   private:
    friend class EventBus;
    void Push(const v1::ContainerEvent& event);
    std::set<std::string> container_ids_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<v1::ContainerEvent> queue_;
    bool overflowed_ = false;
    bool closed_ = false;
  };

  // The subscription receives every event published after this call returns.
  std::shared_ptr<Subscription> Subscribe(std::set<std::string> container_ids);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);
  void Publish(const v1::ContainerEvent& event);
  // Ends every subscription (agent shutdown): their streams close at once.
  void Close();

 private:
  std::mutex mutex_;
  std::set<std::shared_ptr<Subscription>> subscriptions_;
};

}  // namespace boxcar
