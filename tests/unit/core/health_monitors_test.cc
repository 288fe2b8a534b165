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

}  // namespace
}  // namespace boxcar
