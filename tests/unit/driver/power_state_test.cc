#include "core/power_state.h"

#include <gtest/gtest.h>

namespace boxcar::nova {
namespace {

v1::Container In(v1::ContainerState state, bool oom = false) {
  v1::Container container;
  container.set_state(state);
  container.set_oom_killed(oom);
  return container;
}

TEST(PowerStateTest, ContainerStatesMapToNovaPowerStates) {
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_RUNNING), "active"), NovaPowerState::kRunning);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_PAUSED), "paused"), NovaPowerState::kPaused);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_PAUSED), "suspended"), NovaPowerState::kSuspended);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_EXITED), "active"), NovaPowerState::kShutdown);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_EXITED, true), "stopped"),
            NovaPowerState::kCrashed);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_CREATED), "building"), NovaPowerState::kShutdown);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_UNSPECIFIED), ""), NovaPowerState::kNoState);
}

// Nova acts on a STOPPED lifecycle event only when get_info says SHUTDOWN too (it has no crash
// event): an OOM exit of a server Nova thinks active is SHUTDOWN until Nova stopped it.
TEST(PowerStateTest, AnOomExitOfAnActiveServerIsShutdownSoTheStopEventCounts) {
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_EXITED, true), "active"),
            NovaPowerState::kShutdown);
  EXPECT_EQ(PowerStateFor(In(v1::CONTAINER_STATE_EXITED, true), "error"), NovaPowerState::kCrashed);
}

TEST(PowerStateTest, NumbersAreNovas) {
  // nova.compute.power_state
  EXPECT_EQ(static_cast<int>(NovaPowerState::kRunning), 1);
  EXPECT_EQ(static_cast<int>(NovaPowerState::kPaused), 3);
  EXPECT_EQ(static_cast<int>(NovaPowerState::kShutdown), 4);
  EXPECT_EQ(static_cast<int>(NovaPowerState::kCrashed), 6);
  EXPECT_EQ(static_cast<int>(NovaPowerState::kSuspended), 7);
}

}  // namespace
}  // namespace boxcar::nova
