#include "core/lifecycle_watcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "mock_agent_client.h"

namespace boxcar::nova {
namespace {

using ::testing::HasSubstr;
using ::testing::Return;

constexpr char kUuid[] = "4a8c2d1e-0b6f-4e4a-9c1d-2f3e4a5b6c7d";

v1::ContainerEvent EventOf(v1::EventType type, const std::string& name) {
  v1::ContainerEvent event;
  event.set_type(type);
  event.set_name(name);
  return event;
}

// A stream that yields its events, then ends with `end` — or, when `hold`, blocks until
// cancelled, as a live stream of a quiet agent does.
class FakeEventStream : public ContainerEventStream {
 public:
  FakeEventStream(std::vector<v1::ContainerEvent> events, Status end, bool hold,
                  StatusOr<std::vector<v1::Container>> states = std::vector<v1::Container>{})
      : events_(std::move(events)), end_(std::move(end)), hold_(hold), states_(std::move(states)) {}

  void WaitSubscribed() override {}
  StatusOr<std::vector<v1::Container>> ListContainers() override { return states_; }

  bool Read(v1::ContainerEvent* event) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (next_ < events_.size()) {
      *event = events_[next_++];
      return true;
    }
    if (hold_) cancel_.wait(lock, [this] { return cancelled_; });
    return false;
  }

  Status Finish() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_ ? Status(StatusCode::kCancelled, "cancelled") : end_;
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    cancel_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cancel_;
  std::vector<v1::ContainerEvent> events_;
  size_t next_ = 0;
  Status end_;
  bool hold_;
  StatusOr<std::vector<v1::Container>> states_;
  bool cancelled_ = false;
};

bool Readable(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  return poll(&entry, 1, timeout_ms) == 1;
}

// Drains until `count` events arrived or 5 s passed; notices are collected too.
LifecycleWatcher::Drained DrainUntil(LifecycleWatcher* watcher, size_t count) {
  LifecycleWatcher::Drained all;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (all.events.size() < count && std::chrono::steady_clock::now() < deadline) {
    if (!Readable(watcher->notify_fd(), 100)) continue;
    auto drained = watcher->Drain();
    all.events.insert(all.events.end(), drained.events.begin(), drained.events.end());
    all.notices.insert(all.notices.end(), drained.notices.begin(), drained.notices.end());
  }
  return all;
}

class LifecycleWatcherTest : public ::testing::Test {
 protected:
  // The watcher reads states only on its stream's connection (ListContainers), never through
  // the agent client the driver's other calls share: their connection must not be kept in
  // reconnect backoff by the stream's retries while the agent is away.
  void SetUp() override { EXPECT_CALL(agent_, List()).Times(0); }

  MockAgentClient agent_;
  std::string name_ = std::string("nova-") + kUuid;
};

TEST_F(LifecycleWatcherTest, EventsOfInstancesArriveInOrderOthersAreLeftOut) {
  EXPECT_CALL(agent_, OpenEvents()).WillOnce([this] {
    return std::make_unique<FakeEventStream>(
        std::vector<v1::ContainerEvent>{
            EventOf(v1::EVENT_TYPE_CREATED, name_), EventOf(v1::EVENT_TYPE_STARTED, name_),
            EventOf(v1::EVENT_TYPE_EXITED, "web"), EventOf(v1::EVENT_TYPE_PAUSED, name_),
            EventOf(v1::EVENT_TYPE_UNPAUSED, name_), EventOf(v1::EVENT_TYPE_EXITED, name_)},
        OkStatus(), /*hold=*/true);
  });
  LifecycleWatcher watcher(&agent_, "/run/test.sock", std::chrono::milliseconds(10));
  ASSERT_TRUE(watcher.Start().ok());
  auto drained = DrainUntil(&watcher, 4);
  std::vector<LifecycleEvent> expected = {
      {kUuid, LifecycleTransition::kStarted},
      {kUuid, LifecycleTransition::kPaused},
      {kUuid, LifecycleTransition::kResumed},
      {kUuid, LifecycleTransition::kStopped},
  };
  EXPECT_EQ(drained.events, expected);
  ASSERT_EQ(drained.notices.size(), 1u);
  EXPECT_FALSE(drained.notices[0].warning);
  EXPECT_THAT(drained.notices[0].text, HasSubstr("/run/test.sock"));
  watcher.Stop();
}

TEST_F(LifecycleWatcherTest, AfterTheAgentWasAwayEveryInstanceStateIsReRead) {
  v1::Container exited = ContainerIn(v1::CONTAINER_STATE_EXITED, kUuid);
  exited.set_name(name_);
  EXPECT_CALL(agent_, OpenEvents())
      // Connected, then the agent goes away.
      .WillOnce([] {
        return std::make_unique<FakeEventStream>(std::vector<v1::ContainerEvent>{},
                                                 Unavailable("Socket closed"), false);
      })
      // Still away.
      .WillOnce([] {
        return std::make_unique<FakeEventStream>(std::vector<v1::ContainerEvent>{},
                                                 Unavailable("connection refused"), false,
                                                 Unavailable("no agent"));
      })
      // Back: the payload exited meanwhile, no event says so.
      .WillOnce([&exited] {
        return std::make_unique<FakeEventStream>(std::vector<v1::ContainerEvent>{}, OkStatus(),
                                                 true, std::vector<v1::Container>{exited});
      });
  LifecycleWatcher watcher(&agent_, "/run/test.sock", std::chrono::milliseconds(10));
  ASSERT_TRUE(watcher.Start().ok());
  auto drained = DrainUntil(&watcher, 1);
  std::vector<LifecycleEvent> expected = {{kUuid, LifecycleTransition::kStopped}};
  EXPECT_EQ(drained.events, expected);
  // Connected; lost (said once, not for each failed retry); back.
  ASSERT_EQ(drained.notices.size(), 3u);
  EXPECT_FALSE(drained.notices[0].warning);
  EXPECT_TRUE(drained.notices[1].warning);
  EXPECT_THAT(drained.notices[1].text, HasSubstr("Lost"));
  EXPECT_THAT(drained.notices[1].text, HasSubstr("Socket closed"));
  EXPECT_FALSE(drained.notices[2].warning);
  EXPECT_THAT(drained.notices[2].text, HasSubstr("again; 1 instance states re-read"));
  watcher.Stop();
}

TEST_F(LifecycleWatcherTest, AnAgentNeverReachedIsReportedOnceAndRetried) {
  EXPECT_CALL(agent_, OpenEvents()).Times(::testing::AtLeast(3)).WillRepeatedly([] {
    return std::make_unique<FakeEventStream>(std::vector<v1::ContainerEvent>{},
                                             Unavailable("connection refused"), false,
                                             Unavailable("no agent"));
  });
  LifecycleWatcher watcher(&agent_, "/run/test.sock", std::chrono::milliseconds(10));
  ASSERT_TRUE(watcher.Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  watcher.Stop();
  auto drained = watcher.Drain();
  EXPECT_TRUE(drained.events.empty());
  ASSERT_EQ(drained.notices.size(), 1u);
  EXPECT_TRUE(drained.notices[0].warning);
  EXPECT_THAT(drained.notices[0].text, HasSubstr("Cannot follow"));
  EXPECT_THAT(drained.notices[0].text, HasSubstr("connection refused"));
}

TEST_F(LifecycleWatcherTest, StopEndsABlockedStreamAndLeavesTheFdReadable) {
  EXPECT_CALL(agent_, OpenEvents()).WillOnce([] {
    return std::make_unique<FakeEventStream>(std::vector<v1::ContainerEvent>{}, OkStatus(), true);
  });
  LifecycleWatcher watcher(&agent_, "/run/test.sock", std::chrono::seconds(60));
  ASSERT_TRUE(watcher.Start().ok());
  ASSERT_TRUE(Readable(watcher.notify_fd(), 5000));  // the "following" notice
  watcher.Drain();
  EXPECT_FALSE(Readable(watcher.notify_fd(), 0));
  auto started = std::chrono::steady_clock::now();
  watcher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_TRUE(Readable(watcher.notify_fd(), 0));
  // A lost stream after Stop is not reported: nothing is retried either.
  EXPECT_TRUE(watcher.Drain().notices.empty());
  watcher.Stop();  // idempotent
  EXPECT_EQ(watcher.Start().code(), StatusCode::kFailedPrecondition);  // not restartable
}

TEST_F(LifecycleWatcherTest, AnUndrainedQueueKeepsTheNewestEventsAndSaysSo) {
  std::vector<v1::ContainerEvent> events;
  for (size_t i = 0; i < LifecycleWatcher::kMaxQueued + 10; ++i) {
    events.push_back(EventOf(i % 2 == 0 ? v1::EVENT_TYPE_PAUSED : v1::EVENT_TYPE_UNPAUSED, name_));
  }
  EXPECT_CALL(agent_, OpenEvents()).WillOnce([&events] {
    return std::make_unique<FakeEventStream>(events, OkStatus(), true);
  });
  LifecycleWatcher watcher(&agent_, "/run/test.sock", std::chrono::seconds(60));
  ASSERT_TRUE(watcher.Start().ok());
  // Connected (its notice queued); Stop then ends the stream once all its events are read.
  ASSERT_TRUE(Readable(watcher.notify_fd(), 5000));
  watcher.Stop();
  auto drained = watcher.Drain();
  ASSERT_EQ(drained.events.size(), LifecycleWatcher::kMaxQueued);
  EXPECT_EQ(drained.events.back().transition, LifecycleTransition::kResumed);
  int dropped_warnings = 0;
  for (const auto& notice : drained.notices) {
    if (notice.warning && notice.text.find("dropped") != std::string::npos) ++dropped_warnings;
  }
  EXPECT_EQ(dropped_warnings, 1);
}

}  // namespace
}  // namespace boxcar::nova
