#include "core/health_monitors.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace boxcar {
namespace {

using std::chrono::milliseconds;

bool WaitFor(const std::function<bool()>& condition, milliseconds timeout = milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return condition();
}

TEST(HealthMonitorsTest, ALoopProbesAfterEachWaitUntilItsProbeEndsIt) {
  HealthMonitors monitors;
  std::atomic<int> probes{0};
  monitors.Start("a", milliseconds(1), [&](const std::atomic<bool>&) {
    return ++probes < 3 ? std::optional<std::chrono::nanoseconds>(milliseconds(1)) : std::nullopt;
  });
  EXPECT_TRUE(WaitFor([&] { return monitors.size() == 0; }));
  EXPECT_EQ(probes.load(), 3);
}

TEST(HealthMonitorsTest, StopEndsTheWaitAtOnceAndStartReplacesALoop) {
  HealthMonitors monitors;
  std::atomic<int> first{0}, second{0};
  monitors.Start("a", std::chrono::hours(1), [&](const std::atomic<bool>&) {
    ++first;
    return std::optional<std::chrono::nanoseconds>(std::chrono::hours(1));
  });
  EXPECT_EQ(monitors.size(), 1u);
  monitors.Start("a", milliseconds(1), [&](const std::atomic<bool>&) {
    ++second;
    return std::optional<std::chrono::nanoseconds>(std::chrono::hours(1));
  });
  EXPECT_TRUE(WaitFor([&] { return second.load() == 1; }));
  EXPECT_EQ(first.load(), 0) << "the replaced loop never probed";
  EXPECT_EQ(monitors.size(), 1u);
  auto before = std::chrono::steady_clock::now();
  monitors.Stop("a");
  EXPECT_EQ(monitors.size(), 0u);
  monitors.StopAll();  // joins: the hour-long wait ended at once
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
}

TEST(HealthMonitorsTest, StopAllEndsAProbeInProgressThroughItsStopFlag) {
  HealthMonitors monitors;
  std::atomic<bool> in_probe{false}, saw_stop{false};
  monitors.Start("a", milliseconds(0), [&](const std::atomic<bool>& stop) {
    in_probe = true;
    while (!stop) std::this_thread::sleep_for(milliseconds(1));
    saw_stop = true;
    return std::optional<std::chrono::nanoseconds>(milliseconds(1));
  });
  ASSERT_TRUE(WaitFor([&] { return in_probe.load(); }));
  monitors.StopAll();
  EXPECT_TRUE(saw_stop.load());
  // After StopAll nothing starts.
  std::atomic<int> late{0};
  monitors.Start("b", milliseconds(0), [&](const std::atomic<bool>&) {
    ++late;
    return std::optional<std::chrono::nanoseconds>();
  });
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(late.load(), 0);
}

TEST(HealthMonitorsTest, ManyLoopsEndAndAreJoined) {
  HealthMonitors monitors;
  std::atomic<int> probes{0};
  for (int i = 0; i < 50; ++i) {
    monitors.Start("c" + std::to_string(i), milliseconds(1), [&](const std::atomic<bool>&) {
      ++probes;
      return std::optional<std::chrono::nanoseconds>();
    });
  }
  EXPECT_TRUE(WaitFor([&] { return probes.load() == 50; }));
  EXPECT_TRUE(WaitFor([&] { return monitors.size() == 0; }));
}

TEST(HealthMonitorsTest, AThousandLoopsShareAFewThreads) {
  HealthMonitors monitors;
  std::atomic<int> probes{0};
  for (int i = 0; i < 1000; ++i) {
    monitors.Start("d" + std::to_string(i), milliseconds(i % 50), [&](const std::atomic<bool>&) {
      ++probes;
      return std::optional<std::chrono::nanoseconds>(milliseconds(50));
    });
  }
  EXPECT_TRUE(WaitFor([&] { return probes.load() >= 3000; }));
  EXPECT_EQ(monitors.size(), 1000u);
  // The scheduler and the workers the (instant) probes needed at once: a handful, not 1000.
  EXPECT_LE(monitors.threads(), 1 + HealthMonitors::kMaxWorkers);
  EXPECT_LT(monitors.threads(), 20u);
  monitors.StopAll();
  EXPECT_EQ(monitors.threads(), 0u);
}

TEST(HealthMonitorsTest, ASlowProbeDoesNotHoldTheOthersProbes) {
  HealthMonitors monitors;
  std::atomic<bool> slow_in_probe{false};
  std::atomic<int> fast{0};
  monitors.Start("slow", milliseconds(0), [&](const std::atomic<bool>& stop) {
    slow_in_probe = true;
    while (!stop) std::this_thread::sleep_for(milliseconds(1));
    return std::optional<std::chrono::nanoseconds>();
  });
  ASSERT_TRUE(WaitFor([&] { return slow_in_probe.load(); }));
  monitors.Start("fast", milliseconds(1), [&](const std::atomic<bool>&) {
    ++fast;
    return std::optional<std::chrono::nanoseconds>(milliseconds(5));
  });
  EXPECT_TRUE(WaitFor([&] { return fast.load() >= 10; }, milliseconds(2000)))
      << "the fast loop probed " << fast.load() << " times beside a probe that never ends";
  monitors.Stop("slow");
  EXPECT_EQ(monitors.size(), 1u);
}

TEST(HealthMonitorsTest, IdleWorkersEndAndTheSchedulerStays) {
  HealthMonitors monitors(milliseconds(50));
  std::atomic<int> probes{0};
  for (int i = 0; i < 4; ++i) {
    monitors.Start("e" + std::to_string(i), milliseconds(0), [&](const std::atomic<bool>&) {
      ++probes;
      std::this_thread::sleep_for(milliseconds(20));  // four at once: four workers
      return std::optional<std::chrono::nanoseconds>(std::chrono::hours(1));
    });
  }
  ASSERT_TRUE(WaitFor([&] { return probes.load() == 4; }));
  EXPECT_GE(monitors.threads(), 2u);
  // Their next probes are an hour away: the workers end, the scheduler keeps the times.
  EXPECT_TRUE(WaitFor([&] { return monitors.threads() == 1; }));
  EXPECT_EQ(monitors.size(), 4u);
  // A loop started now is probed by a new worker.
  std::atomic<bool> probed{false};
  monitors.Start("late", milliseconds(0), [&](const std::atomic<bool>&) {
    probed = true;
    return std::optional<std::chrono::nanoseconds>();
  });
  EXPECT_TRUE(WaitFor([&] { return probed.load(); }));
}

TEST(HealthMonitorsTest, NoLoopNoThread) {
  HealthMonitors monitors;
  EXPECT_EQ(monitors.threads(), 0u);
  monitors.Stop("nothing");
  EXPECT_EQ(monitors.threads(), 0u);
}

TEST(HealthMonitorsTest, RestartingALoopOftenLeavesNoStaleSchedule) {
  HealthMonitors monitors;
  std::atomic<int> probes{0};
  for (int i = 0; i < 10000; ++i) {
    monitors.Start("f", std::chrono::hours(1), [&](const std::atomic<bool>&) {
      ++probes;
      return std::optional<std::chrono::nanoseconds>();
    });
    if (i % 2) monitors.Stop("f");
  }
  EXPECT_EQ(monitors.size(), 0u);
  monitors.Start("g", milliseconds(0), [&](const std::atomic<bool>&) {
    ++probes;
    return std::optional<std::chrono::nanoseconds>();
  });
  EXPECT_TRUE(WaitFor([&] { return probes.load() == 1; }));
  EXPECT_EQ(monitors.waiting(), 0u) << "stopped loops' times were left in the schedule";
}

}  // namespace
}  // namespace boxcar
