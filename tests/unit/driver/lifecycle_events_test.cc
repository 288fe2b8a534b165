#include "core/lifecycle_events.h"

#include <gtest/gtest.h>

#include "mock_agent_client.h"

namespace boxcar::nova {
namespace {

constexpr char kUuid[] = "4a8c2d1e-0b6f-4e4a-9c1d-2f3e4a5b6c7d";

v1::ContainerEvent EventOf(v1::EventType type, const std::string& name) {
  v1::ContainerEvent event;
  event.set_type(type);
  event.set_id(std::string(64, 'c'));
  event.set_name(name);
  return event;
}

TEST(LifecycleEventsTest, OnlyCanonicalInstanceNamesHaveAnInstance) {
  EXPECT_EQ(InstanceUuidOfContainerName(std::string("nova-") + kUuid), kUuid);
  EXPECT_FALSE(InstanceUuidOfContainerName(kUuid));
  EXPECT_FALSE(InstanceUuidOfContainerName("web"));
  EXPECT_FALSE(InstanceUuidOfContainerName("nova-"));
  EXPECT_FALSE(InstanceUuidOfContainerName("nova-4A8C2D1E-0B6F-4E4A-9C1D-2F3E4A5B6C7D"));
  EXPECT_FALSE(InstanceUuidOfContainerName(std::string("nova-") + kUuid + "x"));
  EXPECT_FALSE(InstanceUuidOfContainerName(std::string("xnova-") + kUuid));
}

TEST(LifecycleEventsTest, ContainerEventsOfInstancesMapToNovasTransitions) {
  std::string name = std::string("nova-") + kUuid;
  struct Case {
    v1::EventType type;
    LifecycleTransition transition;
  } cases[] = {
      {v1::EVENT_TYPE_STARTED, LifecycleTransition::kStarted},
      {v1::EVENT_TYPE_EXITED, LifecycleTransition::kStopped},
      {v1::EVENT_TYPE_PAUSED, LifecycleTransition::kPaused},
      {v1::EVENT_TYPE_UNPAUSED, LifecycleTransition::kResumed},
  };
  for (const auto& c : cases) {
    auto event = LifecycleEventFor(EventOf(c.type, name));
    ASSERT_TRUE(event) << c.type;
    EXPECT_EQ(event->instance_uuid, kUuid);
    EXPECT_EQ(event->transition, c.transition);
  }
  for (auto type : {v1::EVENT_TYPE_CREATED, v1::EVENT_TYPE_OOM, v1::EVENT_TYPE_DELETED,
                    v1::EVENT_TYPE_UPDATED, v1::EVENT_TYPE_EXEC_STARTED, v1::EVENT_TYPE_RENAMED}) {
    EXPECT_FALSE(LifecycleEventFor(EventOf(type, name))) << type;
  }
  EXPECT_FALSE(LifecycleEventFor(EventOf(v1::EVENT_TYPE_EXITED, "web")));
}

TEST(LifecycleEventsTest, NamesOfTransitionsAreTheAdaptersKeys) {
  EXPECT_STREQ(TransitionName(LifecycleTransition::kStarted), "started");
  EXPECT_STREQ(TransitionName(LifecycleTransition::kStopped), "stopped");
  EXPECT_STREQ(TransitionName(LifecycleTransition::kPaused), "paused");
  EXPECT_STREQ(TransitionName(LifecycleTransition::kResumed), "resumed");
}

TEST(LifecycleEventsTest, StatesOfInstanceContainersBecomeEvents) {
  const std::string running = "11111111-1111-4111-8111-111111111111";
  const std::string paused = "22222222-2222-4222-8222-222222222222";
  const std::string exited = "33333333-3333-4333-8333-333333333333";
  const std::string created = "44444444-4444-4444-8444-444444444444";
  v1::Container other = ContainerIn(v1::CONTAINER_STATE_EXITED);
  other.set_name("web");
  // Named as an instance but labelled for another one: not trusted.
  v1::Container mislabelled = ContainerIn(v1::CONTAINER_STATE_EXITED, running);
  mislabelled.set_name("nova-" + paused);
  auto events = LifecycleEventsForStates({
      ContainerIn(v1::CONTAINER_STATE_RUNNING, running),
      ContainerIn(v1::CONTAINER_STATE_PAUSED, paused),
      ContainerIn(v1::CONTAINER_STATE_EXITED, exited),
      ContainerIn(v1::CONTAINER_STATE_CREATED, created),
      other,
      mislabelled,
  });
  std::vector<LifecycleEvent> expected = {
      {running, LifecycleTransition::kStarted},
      {paused, LifecycleTransition::kPaused},
      {exited, LifecycleTransition::kStopped},
  };
  EXPECT_EQ(events, expected);
}

}  // namespace
}  // namespace boxcar::nova
