#include "core/instance_moves.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_agent_client.h"

namespace boxcar::nova {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

constexpr char kUuid[] = "57742de4-996d-4d3c-88a3-baacd3d6ae8b";
constexpr char kName[] = "nova-57742de4-996d-4d3c-88a3-baacd3d6ae8b";
constexpr char kMigrationImage[] = "boxcar-migration-57742de4-996d-4d3c-88a3-baacd3d6ae8b";
constexpr uint64_t kMiB = 1024 * 1024;

class InstanceMovesTest : public ::testing::Test {
 protected:
  InstanceMovesTest() : moves_(&agent_, options_) {
    info_.mutable_host()->set_cpus(4);
    info_.mutable_host()->set_memory_total_bytes(8ull << 30);
    info_.mutable_host()->set_disk_total_bytes(100ull << 30);
  }

  // A container made with 128 MiB (memory+swap filled in as Create does) and one CPU.
  v1::Container Container(int64_t swap_bytes = 256 * kMiB) {
    v1::Container container = ContainerIn(v1::CONTAINER_STATE_EXITED, kUuid);
    auto* limits = container.mutable_spec()->mutable_limits();
    limits->set_memory_bytes(128 * kMiB);
    limits->set_memory_swap_bytes(swap_bytes);
    limits->set_cpu_millis(1000);
    return container;
  }

  FlavorRequest Flavor(uint64_t memory_mb, uint32_t vcpus) {
    FlavorRequest flavor;
    flavor.name = "e2e.small";
    flavor.memory_mb = memory_mb;
    flavor.vcpus = vcpus;
    return flavor;
  }

  MockAgentClient agent_;
  DriverOptions options_;
  InstanceMoves moves_;
  v1::InfoResponse info_;
};

TEST(MigrationImageNameTest, NamesTheInstanceAndRefusesOtherUuids) {
  EXPECT_EQ(kMigrationImage, *MigrationImageNameFor(kUuid));
  auto refused = MigrationImageNameFor("../etc");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("instance.uuid"));
}

TEST_F(InstanceMovesTest, ApplyFlavorUpdatesEveryLimitTheFlavorSets) {
  EXPECT_CALL(agent_, Inspect(kName)).WillOnce(Return(Container()));
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  v1::UpdateContainerRequest sent;
  EXPECT_CALL(agent_, Update(_)).WillOnce([&](const v1::UpdateContainerRequest& request) {
    sent = request;
    return Container();
  });
  FlavorRequest flavor = Flavor(512, 2);
  flavor.extra_specs = {{"quota:cpu_shares", "2048"}, {"boxcar:pids_limit", "100"}};
  ASSERT_TRUE(moves_.ApplyFlavor(kUuid, flavor).ok());
  EXPECT_EQ(std::string(64, 'c'), sent.container());
  EXPECT_EQ(512 * kMiB, sent.memory_bytes());
  // A memory limit above the old memory+swap (256 MiB) gets its own, as Create gives one.
  ASSERT_TRUE(sent.has_memory_swap_bytes());
  EXPECT_EQ(static_cast<int64_t>(1024 * kMiB), sent.memory_swap_bytes());
  EXPECT_EQ(2000u, sent.cpu_millis());
  EXPECT_EQ(2048u, sent.cpu_shares());
  EXPECT_EQ(100u, sent.pids_max());
}

TEST_F(InstanceMovesTest, ApplyFlavorKeepsUnlimitedSwapWhereTheHostDoesNotAccountIt) {
  EXPECT_CALL(agent_, Inspect(kName)).WillOnce(Return(Container(/*swap_bytes=*/-1)));
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  v1::UpdateContainerRequest sent;
  EXPECT_CALL(agent_, Update(_)).WillOnce([&](const v1::UpdateContainerRequest& request) {
    sent = request;
    return Container();
  });
  ASSERT_TRUE(moves_.ApplyFlavor(kUuid, Flavor(64, 1)).ok());
  EXPECT_EQ(64 * kMiB, sent.memory_bytes());
  EXPECT_EQ(-1, sent.memory_swap_bytes());
}

TEST_F(InstanceMovesTest, ApplyFlavorOfAMissingContainerIsNotFound) {
  EXPECT_CALL(agent_, Inspect(kName)).WillOnce(Return(NotFound("no such container")));
  EXPECT_CALL(agent_, Update(_)).Times(0);
  Status applied = moves_.ApplyFlavor(kUuid, Flavor(512, 1));
  EXPECT_EQ(StatusCode::kNotFound, applied.code());
  EXPECT_THAT(applied.message(), HasSubstr(kName));
}

TEST_F(InstanceMovesTest, AFlavorLargerThanTheHostIsRefusedBeforeAnyUpdate) {
  EXPECT_CALL(agent_, Inspect(kName)).WillRepeatedly(Return(Container()));
  EXPECT_CALL(agent_, Info()).WillRepeatedly(Return(info_));
  EXPECT_CALL(agent_, Update(_)).Times(0);
  Status checked = moves_.CheckResizeInPlace(kUuid, Flavor(64 * 1024, 1));
  EXPECT_EQ(StatusCode::kResourceExhausted, checked.code());
  EXPECT_THAT(checked.message(), HasSubstr("memory_mb"));
  EXPECT_EQ(StatusCode::kResourceExhausted, moves_.ApplyFlavor(kUuid, Flavor(64 * 1024, 1)).code());
}

TEST_F(InstanceMovesTest, ChangedDiskThrottlesCannotBeAppliedInPlace) {
  options_.throttle_device = "/dev/vda";
  InstanceMoves moves(&agent_, options_);
  EXPECT_CALL(agent_, Inspect(kName)).WillRepeatedly(Return(Container()));
  EXPECT_CALL(agent_, Info()).WillRepeatedly(Return(info_));
  EXPECT_CALL(agent_, Update(_)).Times(0);
  FlavorRequest flavor = Flavor(256, 1);
  flavor.extra_specs = {{"quota:disk_read_bytes_sec", "1048576"}};
  Status checked = moves.CheckResizeInPlace(kUuid, flavor);
  EXPECT_EQ(StatusCode::kFailedPrecondition, checked.code());
  EXPECT_THAT(checked.message(), HasSubstr("quota:disk_*"));
  EXPECT_EQ(StatusCode::kFailedPrecondition, moves.ApplyFlavor(kUuid, flavor).code());
  // The same throttles as the container's are fine.
  v1::Container throttled = Container();
  auto* disk = throttled.mutable_spec()->mutable_limits()->add_block_devices();
  disk->set_device("/dev/vda");
  disk->set_read_bps(1048576);
  EXPECT_CALL(agent_, Inspect(kName)).WillRepeatedly(Return(throttled));
  EXPECT_TRUE(moves.CheckResizeInPlace(kUuid, flavor).ok());
}

TEST_F(InstanceMovesTest, CommitForMigrationNamesTheImageAfterTheInstance) {
  v1::CommitContainerRequest sent;
  EXPECT_CALL(agent_, Commit(_)).WillOnce([&](const v1::CommitContainerRequest& request) {
    sent = request;
    v1::CommitContainerResponse response;
    response.set_image_id("sha256:" + std::string(64, 'a'));
    return response;
  });
  auto committed = moves_.CommitForMigration(kUuid);
  ASSERT_TRUE(committed.ok()) << committed.status().message();
  EXPECT_EQ("sha256:" + std::string(64, 'a'), *committed);
  EXPECT_EQ(kName, sent.container());
  EXPECT_EQ(kMigrationImage, sent.reference());
  EXPECT_FALSE(sent.pause());
}

TEST_F(InstanceMovesTest, AFailedCommitSaysWhatItWasFor) {
  EXPECT_CALL(agent_, Commit(_)).WillOnce(Return(ResourceExhausted("no space left on device")));
  auto committed = moves_.CommitForMigration(kUuid);
  ASSERT_FALSE(committed.ok());
  EXPECT_EQ(StatusCode::kResourceExhausted, committed.status().code());
  EXPECT_THAT(committed.status().message(), HasSubstr("migration"));
  EXPECT_THAT(committed.status().message(), HasSubstr("no space left"));
}

TEST_F(InstanceMovesTest, RemoveMigrationImageIsIdempotent) {
  EXPECT_CALL(agent_, RemoveImage(kMigrationImage, false))
      .WillOnce(Return(OkStatus()))
      .WillOnce(Return(NotFound("no such image")))
      .WillOnce(Return(Unavailable("agent away")));
  EXPECT_TRUE(moves_.RemoveMigrationImage(kUuid).ok());
  EXPECT_TRUE(moves_.RemoveMigrationImage(kUuid).ok());
  Status failed = moves_.RemoveMigrationImage(kUuid);
  EXPECT_EQ(StatusCode::kUnavailable, failed.code());
  EXPECT_THAT(failed.message(), HasSubstr(kMigrationImage));
}

TEST_F(InstanceMovesTest, ForgetImageUntagsTheCacheReferenceEvenWhileInUse) {
  ImageRequest image;
  image.id = "0d9f5c8e-8a43-4c5b-9f42-3d1e1f0b7a11";
  EXPECT_CALL(agent_, RemoveImage("glance/0d9f5c8e-8a43-4c5b-9f42-3d1e1f0b7a11", true))
      .WillOnce(Return(OkStatus()))
      .WillOnce(Return(NotFound("no such image")));
  EXPECT_TRUE(moves_.ForgetImage(image).ok());
  EXPECT_TRUE(moves_.ForgetImage(image).ok());
}

}  // namespace
}  // namespace boxcar::nova
