#include "core/event_bus.h"

#include <gtest/gtest.h>

#include <thread>

namespace boxcar {
namespace {

using std::chrono::milliseconds;

v1::ContainerEvent Event(const std::string& id, v1::EventType type) {
  v1::ContainerEvent event;
  event.set_id(id);
  event.set_type(type);
  return event;
}

TEST(EventBusTest, SubscribersGetEventsInOrderFilteredByContainer) {
  EventBus bus;
  auto all = bus.Subscribe({});
  auto only_a = bus.Subscribe({"a"});
  bus.Publish(Event("a", v1::EVENT_TYPE_CREATED));
  bus.Publish(Event("b", v1::EVENT_TYPE_CREATED));
  bus.Publish(Event("a", v1::EVENT_TYPE_STARTED));
  for (const auto& [id, type] :
       std::vector<std::pair<std::string, v1::EventType>>{{"a", v1::EVENT_TYPE_CREATED},
                                                          {"b", v1::EVENT_TYPE_CREATED},
                                                          {"a", v1::EVENT_TYPE_STARTED}}) {
    auto event = all->Next(milliseconds(100));
    ASSERT_TRUE(event.ok() && event->has_value());
    EXPECT_EQ((*event)->id(), id);
    EXPECT_EQ((*event)->type(), type);
  }
  EXPECT_EQ((*only_a->Next(milliseconds(100)))->type(), v1::EVENT_TYPE_CREATED);
  EXPECT_EQ((*only_a->Next(milliseconds(100)))->type(), v1::EVENT_TYPE_STARTED);
  auto none = only_a->Next(milliseconds(20));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "a timeout gives no event";
}

TEST(EventBusTest, UnsubscribedAndLateSubscribersMissEarlierEvents) {
  EventBus bus;
  auto early = bus.Subscribe({});
  bus.Unsubscribe(early);
  bus.Publish(Event("a", v1::EVENT_TYPE_CREATED));
  auto late = bus.Subscribe({});
  EXPECT_FALSE(early->Next(milliseconds(10))->has_value());
  EXPECT_FALSE(late->Next(milliseconds(10))->has_value());
}

TEST(EventBusTest, ASlowSubscriberIsCutOffWithoutBlockingPublishers) {
  EventBus bus;
  auto slow = bus.Subscribe({});
  for (size_t i = 0; i <= EventBus::kQueueLimit; ++i)
    bus.Publish(Event("a", v1::EVENT_TYPE_UPDATED));
  auto event = slow->Next(milliseconds(10));
  EXPECT_EQ(event.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(event.status().message().find("reconnect"), std::string::npos);
}

TEST(EventBusTest, CloseWakesWaitingSubscribers) {
  EventBus bus;
  auto waiting = bus.Subscribe({});
  std::thread closer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    bus.Close();
  });
  auto begin = std::chrono::steady_clock::now();
  auto event = waiting->Next(milliseconds(5000));
  closer.join();
  EXPECT_EQ(event.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, milliseconds(2000));
}

}  // namespace
}  // namespace boxcar
