#include "common/idle_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace boxcar {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(IdleGateTest, IdleFromTheStart) {
  IdleGate gate(milliseconds(50), std::chrono::seconds(30));
  const auto begun = Clock::now();
  gate.WaitUntilIdle(nullptr);
  EXPECT_LT(Clock::now() - begun, milliseconds(40)) << "no Busy was ever held";
}

TEST(IdleGateTest, WaitsWhileBusyThenForTheQuietTime) {
  IdleGate gate(milliseconds(30), std::chrono::seconds(30));
  std::atomic<bool> returned{false};
  Clock::time_point busy_ended;
  std::thread waiter;
  {
    IdleGate::Busy busy(&gate);
    waiter = std::thread([&] {
      gate.WaitUntilIdle(nullptr);
      returned = true;
    });
    std::this_thread::sleep_for(milliseconds(60));
    EXPECT_FALSE(returned) << "returned while a Busy was held";
    busy_ended = Clock::now();
  }
  waiter.join();
  EXPECT_GE(Clock::now() - busy_ended, milliseconds(30)) << "returned before the quiet time";
}

TEST(IdleGateTest, OverlappingBusyPeriodsKeepItBusy) {
  IdleGate gate(milliseconds(5), std::chrono::seconds(30));
  std::atomic<bool> returned{false};
  auto first = std::make_unique<IdleGate::Busy>(&gate);
  std::thread waiter([&] {
    gate.WaitUntilIdle(nullptr);
    returned = true;
  });
  {
    IdleGate::Busy second(&gate);
    first.reset();  // one of two ends: still busy
    std::this_thread::sleep_for(milliseconds(40));
    EXPECT_FALSE(returned);
  }
  waiter.join();
  EXPECT_TRUE(returned);
}

TEST(IdleGateTest, ABusyOfThenIdleHoldsItWithoutAQuietTimeAfter) {
  IdleGate gate(std::chrono::seconds(10), std::chrono::seconds(30));
  std::atomic<bool> returned{false};
  std::thread waiter;
  {
    IdleGate::Busy removal(&gate, IdleGate::Then::kIdle);
    waiter = std::thread([&] {
      gate.WaitUntilIdle(nullptr);
      returned = true;
    });
    std::this_thread::sleep_for(milliseconds(30));
    EXPECT_FALSE(returned) << "returned while a Busy was held";
  }
  const auto ended = Clock::now();
  waiter.join();
  EXPECT_LT(Clock::now() - ended, std::chrono::seconds(5)) << "waited for the quiet time";
}

TEST(IdleGateTest, AWaitLastsNoLongerThanThePatience) {
  IdleGate gate(milliseconds(5), milliseconds(100));
  IdleGate::Busy busy(&gate);
  const auto begun = Clock::now();
  gate.WaitUntilIdle(nullptr);
  EXPECT_GE(Clock::now() - begun, milliseconds(100));
  EXPECT_LT(Clock::now() - begun, std::chrono::seconds(5));
}

TEST(IdleGateTest, GiveUpEndsTheWait) {
  IdleGate gate(milliseconds(5), std::chrono::seconds(30));
  IdleGate::Busy busy(&gate);
  std::atomic<bool> stop{false};
  std::thread waiter([&] { gate.WaitUntilIdle([&] { return stop.load(); }); });
  std::this_thread::sleep_for(milliseconds(20));
  const auto asked = Clock::now();
  stop = true;
  waiter.join();
  EXPECT_LT(Clock::now() - asked, milliseconds(500)) << "give_up is checked every 10 ms";
}

TEST(IdleGateTest, NullGateHoldsNothingAndDoesNotWait) {
  IdleGate::Busy busy(nullptr);
  WaitUntilIdle(nullptr, nullptr);
}

}  // namespace
}  // namespace boxcar
