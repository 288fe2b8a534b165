#include "core/event_bus.h"

namespace boxcar {

void EventBus::Subscription::Push(const v1::ContainerEvent& event) {
  if (!container_ids_.empty() && container_ids_.count(event.id()) == 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (overflowed_) return;
    if (queue_.size() >= kQueueLimit) {
      overflowed_ = true;
      queue_.clear();
    } else {
      queue_.push_back(event);
    }
  }
  ready_.notify_all();
}

StatusOr<std::optional<v1::ContainerEvent>> EventBus::Subscription::Next(
    std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return overflowed_ || closed_ || !queue_.empty(); });
  if (closed_) return Unavailable("events: the agent is shutting down; reconnect when it is back");
  if (overflowed_) {
    return ResourceExhausted("events: the client fell more than " + std::to_string(kQueueLimit) +
                             " events behind; reconnect and read faster");
  }
  if (queue_.empty()) return std::optional<v1::ContainerEvent>();
  v1::ContainerEvent event = std::move(queue_.front());
  queue_.pop_front();
  return std::optional<v1::ContainerEvent>(std::move(event));
}

std::shared_ptr<EventBus::Subscription> EventBus::Subscribe(std::set<std::string> container_ids) {
  auto subscription = std::make_shared<Subscription>(std::move(container_ids));
  std::lock_guard<std::mutex> lock(mutex_);
  subscriptions_.insert(subscription);
  return subscription;
}

void EventBus::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscriptions_.erase(subscription);
}

void EventBus::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& subscription : subscriptions_) {
    {
      std::lock_guard<std::mutex> subscription_lock(subscription->mutex_);
      subscription->closed_ = true;
    }
    subscription->ready_.notify_all();
  }
}

void EventBus::Publish(const v1::ContainerEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& subscription : subscriptions_) subscription->Push(event);
}

}  // namespace boxcar
