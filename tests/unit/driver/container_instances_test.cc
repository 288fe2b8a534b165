#include "core/container_instances.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "container_instances_fixture.h"

namespace boxcar::nova {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Return;
using ::testing::SaveArg;

TEST_F(ContainerInstancesTest, SpawnCreatesAndStartsTheMappedContainer) {
  v1::ContainerSpec spec;
  ExpectSpawnOf(&spec);
  auto state = Instances().Spawn(Instance(), Image(), "sha256:abc");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->power_state, NovaPowerState::kRunning);
  EXPECT_EQ(spec.image(), "sha256:abc");
  EXPECT_EQ(spec.name(), kName);
  EXPECT_THAT(spec.command(), ElementsAre("httpd", "-f", "-p", "80"));
  EXPECT_THAT(spec.env(), ElementsAre("ROLE=web"));
  EXPECT_EQ(spec.hostname(), "web-1");
  EXPECT_EQ(spec.limits().memory_bytes(), 512ull << 20);
  EXPECT_EQ(spec.limits().cpu_millis(), 1000u);
  EXPECT_EQ(spec.labels().at("org.openstack.nova.instance-uuid"), kUuid);
  EXPECT_EQ(spec.labels().at("org.openstack.nova.image-id"), Image().id);
}

TEST_F(ContainerInstancesTest, AFailedStartRemovesTheContainer) {
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, Start(kName))
      .WillOnce(Return(Status(StatusCode::kNotFound, "exec 'httpd': not found")));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
  auto state = Instances().Spawn(Instance(), Image(), "sha256:abc");
  EXPECT_EQ(state.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(state.status().message(),
              HasSubstr("start the container of instance 57742de4-996d-4d3c-88a3-baacd3d6ae8b: "
                        "exec 'httpd': not found"));
}

TEST_F(ContainerInstancesTest, AnAgentThatRestartsMidSpawnIsCleanedUpWhenItIsBack) {
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(Unavailable("socket closed")));
  EXPECT_CALL(agent_, Remove(kName, true))
      .WillOnce(Return(Unavailable("connection refused")))
      .WillOnce(Return(Unavailable("connection refused")))
      .WillOnce(Return(OkStatus()));
  auto state = Instances().Spawn(Instance(), Image(), "sha256:abc");
  EXPECT_EQ(state.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(state.status().message(), ::testing::Not(HasSubstr("removing")));
  EXPECT_EQ(sleeps_, 2);
}

TEST_F(ContainerInstancesTest, ACreateWhoseAnswerWasLostIsRemoved) {
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(Unavailable("agent killed")));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(NotFound("no such container")));
  EXPECT_EQ(Instances().Spawn(Instance(), Image(), "sha256:abc").status().code(),
            StatusCode::kUnavailable);
}

TEST_F(ContainerInstancesTest, AnAgentThatStaysAwaySaysTheCleanUpFailed) {
  options_.cleanup_retry_for = std::chrono::milliseconds(0);
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(Unavailable("gone")));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(Unavailable("still gone")));
  auto state = Instances().Spawn(Instance(), Image(), "sha256:abc");
  EXPECT_THAT(state.status().message(),
              HasSubstr("removing container " + std::string(kName) + " failed: still gone"));
  // Not UNAVAILABLE: the container may be left, so the build must not go to another host.
  EXPECT_EQ(state.status().code(), StatusCode::kAborted);
}

TEST_F(ContainerInstancesTest, ALostCreateThatCannotBeRemovedIsNotUnavailable) {
  options_.cleanup_retry_for = std::chrono::milliseconds(0);
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(Unavailable("agent killed")));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(Unavailable("still gone")));
  auto state = Instances().Spawn(Instance(), Image(), "sha256:abc");
  EXPECT_EQ(state.status().code(), StatusCode::kAborted);
  EXPECT_THAT(state.status().message(),
              HasSubstr("create the container of instance " + std::string(kUuid) +
                        ": agent killed (clean-up failed: still gone)"));
}

TEST_F(ContainerInstancesTest, LeftoversOfTheSameInstanceGoOthersAreNotTouched) {
  EXPECT_CALL(agent_, Info()).WillRepeatedly(Return(info_));
  EXPECT_CALL(agent_, Inspect(kName))
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_EXITED, kUuid)))
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING, "someone-else")));
  {
    InSequence order;
    EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
    EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
    EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  }
  EXPECT_TRUE(Instances().Spawn(Instance(), Image(), "sha256:abc").ok());
  auto taken = Instances().Spawn(Instance(), Image(), "sha256:abc");
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
}

TEST_F(ContainerInstancesTest, BadInputIsRefusedBeforeAnythingIsCreated) {
  EXPECT_CALL(agent_, Create(_)).Times(0);
  InstanceRequest huge = Instance();
  huge.flavor.memory_mb = 1 << 20;
  EXPECT_CALL(agent_, Info()).WillRepeatedly(Return(info_));
  EXPECT_EQ(Instances().Spawn(huge, Image(), "sha256:abc").status().code(),
            StatusCode::kResourceExhausted);
  ImageRequest unterminated = Image();
  unterminated.properties["os_command_line"] = "sh -c 'x";
  EXPECT_EQ(Instances().Spawn(Instance(), unterminated, "sha256:abc").status().code(),
            StatusCode::kInvalidArgument);
  InstanceRequest bad_uuid = Instance();
  bad_uuid.uuid = "../x";
  EXPECT_EQ(Instances().Spawn(bad_uuid, Image(), "sha256:abc").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ContainerInstancesTest, PowerCallsAreIdempotent) {
  EXPECT_CALL(agent_, Inspect(kName))
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)))  // power on: nothing
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_PAUSED)))   // power on: unpause
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_EXITED)))   // power off: nothing
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)))  // unpause: nothing
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_PAUSED)));  // pause: nothing
  EXPECT_CALL(agent_, Unpause(std::string(64, 'c')))
      .WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  EXPECT_CALL(agent_, Start(_)).Times(0);
  EXPECT_CALL(agent_, Stop(_, _)).Times(0);
  EXPECT_CALL(agent_, Pause(_)).Times(0);
  ContainerInstances instances = Instances();
  EXPECT_TRUE(instances.PowerOn(kUuid).ok());
  EXPECT_TRUE(instances.PowerOn(kUuid).ok());
  EXPECT_TRUE(instances.PowerOff(kUuid, 60).ok());
  EXPECT_TRUE(instances.Unpause(kUuid).ok());
  EXPECT_TRUE(instances.Pause(kUuid).ok());
}

TEST_F(ContainerInstancesTest, RebootsStopWithTheirTimeoutThenStart) {
  options_.soft_reboot_timeout_seconds = 42;
  const std::string id(64, 'c');
  EXPECT_CALL(agent_, Inspect(kName))
      .WillRepeatedly(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  {
    InSequence order;
    EXPECT_CALL(agent_, Stop(id, 42u)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_EXITED)));
    EXPECT_CALL(agent_, Start(id)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
    EXPECT_CALL(agent_, Stop(id, 0u)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_EXITED)));
    EXPECT_CALL(agent_, Start(id)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  }
  EXPECT_TRUE(Instances().Reboot(kUuid, false).ok());
  EXPECT_TRUE(Instances().Reboot(kUuid, true).ok());
}

TEST_F(ContainerInstancesTest, MissingInstancesAreNotFound) {
  EXPECT_CALL(agent_, Inspect(kName)).WillRepeatedly(Return(NotFound("no container")));
  EXPECT_EQ(Instances().State(kUuid, "active").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Instances().PowerOn(kUuid).code(), StatusCode::kNotFound);
  auto destroyed = Instances().Destroy(kUuid);
  ASSERT_TRUE(destroyed.ok());
  EXPECT_FALSE(*destroyed);
}

TEST_F(ContainerInstancesTest, ConsoleOutputKeepsTheTail) {
  options_.console_max_bytes = 5;
  EXPECT_CALL(agent_, Logs(kName, 5u)).WillOnce(Return(std::string("0123456789")));
  EXPECT_EQ(*Instances().ConsoleOutput(kUuid), "56789");
}

// Only Nova's 100 KiB (MAX_CONSOLE_BYTES) are asked of the agent, not a whole big log: the
// agent reads that tail backwards (LogsRequest.tail_bytes; its 100 MB case is in
// tests/integration/container_logs_test.cc).
TEST_F(ContainerInstancesTest, ConsoleOutputAsksTheAgentForNovasTailOnly) {
  const std::string tail(100 * 1024, 'x');
  EXPECT_CALL(agent_, Logs(kName, 100u * 1024)).WillOnce(Return(tail));
  auto output = Instances().ConsoleOutput(kUuid);
  ASSERT_TRUE(output.ok()) << output.status().message();
  EXPECT_EQ(output->size(), 100u * 1024);
}

TEST_F(ContainerInstancesTest, ListShowsOnlyNovasContainers) {
  EXPECT_CALL(agent_, List())
      .WillOnce(Return(std::vector<v1::Container>{ContainerIn(v1::CONTAINER_STATE_RUNNING, kUuid),
                                                  ContainerIn(v1::CONTAINER_STATE_RUNNING)}));
  auto listed = Instances().List();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].spec().labels().at("org.openstack.nova.instance-uuid"), kUuid);
}

}  // namespace
}  // namespace boxcar::nova
