#include "core/config_drive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "container_instances_fixture.h"
#include "temp_dir.h"

namespace boxcar::nova {
namespace {

namespace fs = std::filesystem;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<ConfigDriveFile> DriveFiles() {
  return {{"openstack/latest/meta_data.json", "{\"uuid\": \"x\"}"},
          {"openstack/latest/user_data", std::string("#!/bin/sh\0binary", 16)},
          {"ec2/latest/meta-data.json", "{}"}};
}

class ConfigDriveTest : public ContainerInstancesTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-config-drive-XXXXXX", &instances_path_));
    options_.instances_path = instances_path_;
  }
  void TearDown() override { fs::remove_all(instances_path_); }

  // What is left under instances_path: the instances' directories and their contents.
  int EntriesLeft() {
    int count = 0;
    for (auto it = fs::recursive_directory_iterator(instances_path_);
         it != fs::recursive_directory_iterator(); ++it) {
      ++count;
    }
    return count;
  }

  std::string instances_path_;
};

TEST_F(ConfigDriveTest, TheFilesAreWrittenIntoADirectoryOfTheInstance) {
  auto drive = WriteConfigDrive(instances_path_, kUuid, DriveFiles());
  ASSERT_TRUE(drive.ok()) << drive.status().message();
  EXPECT_EQ(fs::path(*drive).parent_path(), fs::path(instances_path_) / kUuid);
  EXPECT_EQ(ReadFile(fs::path(*drive) / "openstack/latest/meta_data.json"), "{\"uuid\": \"x\"}");
  EXPECT_EQ(ReadFile(fs::path(*drive) / "openstack/latest/user_data"),
            std::string("#!/bin/sh\0binary", 16));
  struct stat info {};
  ASSERT_EQ(::stat((fs::path(instances_path_) / kUuid).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0700u) << "the drive may hold the admin password";

  // A second drive of the same instance (a rebuild) is another directory.
  auto second = WriteConfigDrive(instances_path_, kUuid, DriveFiles());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *drive);

  ASSERT_TRUE(RemoveConfigDrive(instances_path_, kUuid, *drive).ok());
  EXPECT_FALSE(fs::exists(*drive));
  EXPECT_TRUE(fs::exists(*second));
  ASSERT_TRUE(RemoveConfigDrive(instances_path_, kUuid, *second).ok());
  EXPECT_EQ(EntriesLeft(), 0) << "the instance's empty directory goes with its last drive";
}

TEST_F(ConfigDriveTest, PathsThatLeaveTheDriveAreRefusedAndNothingIsWritten) {
  for (const std::string path :
       {"/etc/passwd", "../escape", "openstack/../../x", "a//b", "", "openstack/", "./x"}) {
    std::vector<ConfigDriveFile> files = DriveFiles();
    files.push_back({path, "x"});
    auto drive = WriteConfigDrive(instances_path_, kUuid, files);
    EXPECT_EQ(drive.status().code(), StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(drive.status().message(), HasSubstr("config drive file '" + path + "'"));
  }
  EXPECT_EQ(EntriesLeft(), 0);
}

TEST_F(ConfigDriveTest, OnlyDrivesOfTheInstanceAreRemoved) {
  auto drive = WriteConfigDrive(instances_path_, kUuid, DriveFiles());
  ASSERT_TRUE(drive.ok());
  for (const std::string& other :
       {instances_path_, instances_path_ + "/" + kUuid, std::string("/etc"),
        instances_path_ + "/other-uuid/config-drive.abcdef"}) {
    EXPECT_EQ(RemoveConfigDrive(instances_path_, kUuid, other).code(), StatusCode::kInvalidArgument)
        << other;
  }
  EXPECT_TRUE(fs::exists(*drive));
}

TEST_F(ConfigDriveTest, APartialDriveLeftByACrashGoesAtTheNextSpawn) {
  fs::create_directories(fs::path(instances_path_) / kUuid / ".config-drive-partial.Ab12Cd/x");
  auto drive = WriteConfigDrive(instances_path_, kUuid, DriveFiles());
  ASSERT_TRUE(drive.ok());
  EXPECT_FALSE(fs::exists(fs::path(instances_path_) / kUuid / ".config-drive-partial.Ab12Cd"));
}

TEST_F(ConfigDriveTest, NoInstancesPathIsAClearError) {
  auto drive = WriteConfigDrive("", kUuid, DriveFiles());
  EXPECT_EQ(drive.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(drive.status().message(), HasSubstr("instances_path"));
}

TEST_F(ConfigDriveTest, SpawnMountsTheDriveReadOnlyAndDestroyRemovesIt) {
  InstanceRequest instance = Instance();
  instance.config_drive_files = DriveFiles();
  v1::ContainerSpec spec;
  ExpectSpawnOf(&spec);
  ASSERT_TRUE(Instances().Spawn(instance, Image(), "sha256:abc").ok());
  ASSERT_EQ(spec.mounts_size(), 1);
  const v1::Mount& mount = spec.mounts(0);
  EXPECT_EQ(mount.type(), v1::Mount::TYPE_BIND);
  EXPECT_EQ(mount.target(), "/config-drive");
  EXPECT_TRUE(mount.read_only());
  EXPECT_EQ(ReadFile(fs::path(mount.source()) / "ec2/latest/meta-data.json"), "{}");

  v1::Container container = ContainerIn(v1::CONTAINER_STATE_RUNNING, kUuid);
  *container.mutable_spec()->add_mounts() = mount;
  EXPECT_CALL(agent_, Inspect(kName)).WillOnce(Return(container));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
  auto destroyed = Instances().Destroy(kUuid);
  ASSERT_TRUE(destroyed.ok()) << destroyed.status().message();
  EXPECT_TRUE(*destroyed);
  EXPECT_EQ(EntriesLeft(), 0);
}

TEST_F(ConfigDriveTest, AFailedSpawnLeavesNoDrive) {
  InstanceRequest instance = Instance();
  instance.config_drive_files = DriveFiles();
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(Status(StatusCode::kNotFound, "no httpd")));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
  EXPECT_FALSE(Instances().Spawn(instance, Image(), "sha256:abc").ok());
  EXPECT_EQ(EntriesLeft(), 0);
}

TEST_F(ConfigDriveTest, ABadDrivePathIsRefusedBeforeAnythingIsCreated) {
  InstanceRequest instance = Instance();
  instance.config_drive_files = {{"../../etc/cron.d/x", "* * * * * root id"}};
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).Times(0);
  EXPECT_EQ(Instances().Spawn(instance, Image(), "sha256:abc").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EntriesLeft(), 0);
}

TEST_F(ConfigDriveTest, ALeftoverOfTheSameInstanceTakesItsDriveAlong) {
  auto old_drive = WriteConfigDrive(instances_path_, kUuid, DriveFiles());
  ASSERT_TRUE(old_drive.ok());
  v1::Container leftover = ContainerIn(v1::CONTAINER_STATE_EXITED, kUuid);
  v1::Mount* mount = leftover.mutable_spec()->add_mounts();
  mount->set_type(v1::Mount::TYPE_BIND);
  mount->set_source(*old_drive);
  mount->set_target("/config-drive");
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  EXPECT_CALL(agent_, Inspect(kName)).WillOnce(Return(leftover));
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  ASSERT_TRUE(Instances().Spawn(Instance(), Image(), "sha256:abc").ok());
  EXPECT_FALSE(fs::exists(*old_drive));
}

}  // namespace
}  // namespace boxcar::nova
