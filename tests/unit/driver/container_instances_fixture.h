// The fixture of ContainerInstances' unit tests: a mocked agent, one instance, one image.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/container_instances.h"
#include "mock_agent_client.h"

namespace boxcar::nova {

inline constexpr char kUuid[] = "57742de4-996d-4d3c-88a3-baacd3d6ae8b";
inline constexpr char kName[] = "nova-57742de4-996d-4d3c-88a3-baacd3d6ae8b";

class ContainerInstancesTest : public ::testing::Test {
 protected:
  ContainerInstancesTest() {
    options_.sleep = [this](std::chrono::milliseconds) { ++sleeps_; };
    options_.cleanup_retry_interval = std::chrono::milliseconds(1);
    info_.mutable_host()->set_cpus(2);
    info_.mutable_host()->set_memory_total_bytes(8ull << 30);
    info_.mutable_host()->set_disk_total_bytes(100ull << 30);
  }

  ContainerInstances Instances() { return ContainerInstances(&agent_, options_); }

  InstanceRequest Instance() {
    InstanceRequest instance;
    instance.uuid = kUuid;
    instance.name = "instance-00000001";
    instance.hostname = "web_1";
    instance.flavor.name = "m1.tiny";
    instance.flavor.memory_mb = 512;
    instance.flavor.vcpus = 1;
    instance.metadata = {{"ROLE", "web"}, {"not env", "x"}};
    return instance;
  }

  ImageRequest Image() {
    ImageRequest image;
    image.id = "cedef40a-ed67-4d10-800e-17455edce175";
    image.container_format = "docker";
    image.properties = {{"os_command_line", "httpd -f -p 80"}};
    return image;
  }

  void ExpectNoLeftover() {
    EXPECT_CALL(agent_, Inspect(kName)).WillOnce(::testing::Return(NotFound("no container")));
  }

  // A spawn that succeeds: Info, no leftover, Create (its spec kept in `*spec`), Start.
  void ExpectSpawnOf(v1::ContainerSpec* spec) {
    EXPECT_CALL(agent_, Info()).WillOnce(::testing::Return(info_));
    ExpectNoLeftover();
    EXPECT_CALL(agent_, Create(::testing::_)).WillOnce([spec](const v1::ContainerSpec& given) {
      *spec = given;
      return ContainerIn(v1::CONTAINER_STATE_CREATED, kUuid);
    });
    EXPECT_CALL(agent_, Start(kName))
        .WillOnce(::testing::Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  }

  MockAgentClient agent_;
  DriverOptions options_;
  v1::InfoResponse info_;
  int sleeps_ = 0;
};

}  // namespace boxcar::nova
