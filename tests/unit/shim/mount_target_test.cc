#include "shim/mount_target.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class MountTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/mount-target-test-XXXXXX", &dir_));
    ASSERT_EQ(::mkdir((dir_ + "/rootfs").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((dir_ + "/outside").c_str(), 0755), 0);
    rootfs_.reset(::open((dir_ + "/rootfs").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(rootfs_);
  }
  void TearDown() override { (void)RemoveTree(dir_); }
  bool Exists(const std::string& path) { return ::access((dir_ + path).c_str(), F_OK) == 0; }

  std::string dir_;
  UniqueFd rootfs_;
};

TEST_F(MountTargetTest, CreatesMissingDirectoriesAndFiles) {
  auto dir = OpenMountTarget(rootfs_.get(), "/var/lib//app/./data", MountTargetKind::kDirectory);
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  EXPECT_TRUE(Exists("/rootfs/var/lib/app/data"));
  auto file = OpenMountTarget(rootfs_.get(), "/etc/greeting", MountTargetKind::kFile);
  ASSERT_TRUE(file.ok()) << file.status().message();
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/rootfs/etc/greeting").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(OpenMountTarget(rootfs_.get(), "/etc/greeting", MountTargetKind::kDirectory)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(OpenMountTarget(rootfs_.get(), "/", MountTargetKind::kFile).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(MountTargetTest, SymlinksAndDotDotStayInsideTheRootfs) {
  // Absolute and relative escapes through the image's symlinks, and ".." in the target.
  ASSERT_EQ(::symlink((dir_ + "/outside").c_str(), (dir_ + "/rootfs/abs").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../outside", (dir_ + "/rootfs/rel").c_str()), 0);
  ASSERT_EQ(::mkdir((dir_ + "/rootfs/outside").c_str(), 0755), 0);
  auto relative = OpenMountTarget(rootfs_.get(), "/rel/x", MountTargetKind::kDirectory);
  ASSERT_TRUE(relative.ok()) << relative.status().message();
  EXPECT_TRUE(Exists("/rootfs/outside/x")) << "clamped at the container's root";
  EXPECT_FALSE(Exists("/outside/x"));
  auto dotdot = OpenMountTarget(rootfs_.get(), "/../../outside/y", MountTargetKind::kDirectory);
  ASSERT_TRUE(dotdot.ok()) << dotdot.status().message();
  EXPECT_TRUE(Exists("/rootfs/outside/y"));
  EXPECT_FALSE(Exists("/outside/y"));
  // The absolute link names a path that does not exist inside: refused, nothing made.
  auto absolute = OpenMountTarget(rootfs_.get(), "/abs/z", MountTargetKind::kDirectory);
  EXPECT_EQ(absolute.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(absolute.status().message().find("symlink"), std::string::npos);
  EXPECT_FALSE(Exists("/outside/z"));
}

}  // namespace
}  // namespace boxcar
