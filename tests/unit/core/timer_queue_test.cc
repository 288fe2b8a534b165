#include "core/timer_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

namespace boxcar {
namespace {

using std::chrono::milliseconds;

TEST(TimerQueueTest, RunsTasksInTheOrderOfTheirTimesNotOfTheirScheduling) {
  TimerQueue timers;
  std::mutex mutex;
  std::vector<int> ran;
  std::promise<void> last;
  const auto now = TimerQueue::Clock::now();
  timers.RunAt(now + milliseconds(60), [&] {
    std::lock_guard<std::mutex> lock(mutex);
    ran.push_back(3);
    last.set_value();
  });
  timers.RunAt(now + milliseconds(20), [&] {
    std::lock_guard<std::mutex> lock(mutex);
    ran.push_back(1);
  });
  timers.RunAt(now + milliseconds(40), [&] {
    std::lock_guard<std::mutex> lock(mutex);
    ran.push_back(2);
  });
  ASSERT_EQ(last.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
}

TEST(TimerQueueTest, NeverRunsATaskBeforeItsTime) {
  TimerQueue timers;
  std::promise<TimerQueue::Clock::time_point> ran_at;
  const auto due = TimerQueue::Clock::now() + milliseconds(50);
  timers.RunAt(due, [&] { ran_at.set_value(TimerQueue::Clock::now()); });
  auto future = ran_at.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(future.get(), due);
}

TEST(TimerQueueTest, ATaskInThePastRunsAtOnceAndMayScheduleAnother) {
  TimerQueue timers;
  std::promise<void> second;
  timers.RunAt(TimerQueue::Clock::now() - milliseconds(10), [&] {
    timers.RunAt(TimerQueue::Clock::now(), [&] { second.set_value(); });
  });
  EXPECT_EQ(second.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(TimerQueueTest, PendingTasksAreDroppedAtDestruction) {
  bool ran = false;
  {
    TimerQueue timers;
    timers.RunAt(TimerQueue::Clock::now() + std::chrono::hours(1), [&] { ran = true; });
  }  // returns at once: the destructor does not wait for the hour
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace boxcar
