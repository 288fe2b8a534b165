// OverlaySnapshotter::Rekey: a prepared snapshot handed to another key by renames, all or
// nothing; Reset: a used snapshot emptied back into a prepared one. (Mounting is covered by
// the integration suites and snapshot_bench.)
#include "snapshot/overlay_snapshotter.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class OverlaySnapshotterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-snapshotter-test-XXXXXX", &dir_));
    auto snapshotter = OverlaySnapshotter::Create(dir_ + "/snapshots");
    ASSERT_TRUE(snapshotter.ok()) << snapshotter.status().message();
    snapshotter_ = std::move(*snapshotter);
  }
  void TearDown() override { EXPECT_TRUE(RemoveTree(dir_).ok()); }

  std::vector<std::string> Names() {
    auto names = ListDirectoryNames(dir_ + "/snapshots");
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
  std::unique_ptr<OverlaySnapshotter> snapshotter_;
};

TEST_F(OverlaySnapshotterTest, RekeyRenamesEveryPartAndAppliesTheIds) {
  ASSERT_TRUE(snapshotter_->Prepare("spare-1", IdMapping{}).ok());
  IdMapping ids;
  ids.host_uid = 200000;
  ids.host_gid = 200000;
  ids.size = 65536;
  Status rekeyed = snapshotter_->Rekey("spare-1", "c1", ids);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.message();
  EXPECT_EQ(Names(), (std::vector<std::string>{"c1.rootfs", "c1.upper", "c1.work"}));
  EXPECT_EQ(snapshotter_->ListKeys(), std::vector<std::string>{"c1"});
  struct stat st;
  ASSERT_EQ(::stat(snapshotter_->ChangesDir("c1").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 200000u) << "the upper directory belongs to the mapped root";
  EXPECT_EQ(st.st_gid, 200000u);
}

TEST_F(OverlaySnapshotterTest, AFailedRekeyLeavesTheSpareWhole) {
  ASSERT_TRUE(snapshotter_->Prepare("spare-1", IdMapping{}).ok());
  // The second part cannot go: a non-empty directory has its name.
  ASSERT_EQ(::mkdir((dir_ + "/snapshots/c1.work").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/snapshots/c1.work/file", "x").ok());
  EXPECT_FALSE(snapshotter_->Rekey("spare-1", "c1", IdMapping{}).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{"c1.work", "spare-1.rootfs", "spare-1.upper",
                                               "spare-1.work"}));
  EXPECT_FALSE(snapshotter_->Rekey("missing", "c2", IdMapping{}).ok());
}

TEST_F(OverlaySnapshotterTest, ResetEmptiesEveryPartAndGivesTheRootAFreshOnesAttributes) {
  ASSERT_TRUE(snapshotter_->Prepare("fresh", IdMapping{}).ok());
  IdMapping ids;
  ids.host_uid = 300000;
  ids.host_gid = 300000;
  ids.size = 65536;
  ASSERT_TRUE(snapshotter_->Prepare("used", ids).ok());
  // What a container and overlayfs leave: changes, work files, and its root's attributes.
  const std::string upper = snapshotter_->ChangesDir("used");
  ASSERT_TRUE(MakeDirectories(upper + "/etc/deep", 0700).ok());
  ASSERT_TRUE(WriteFileAtomically(upper + "/etc/deep/secret", "x").ok());
  ASSERT_TRUE(WriteFileAtomically(upper + "/.wh.bin", "").ok());
  ASSERT_TRUE(MakeDirectories(dir_ + "/snapshots/used.work/work/incompat/volatile", 0700).ok());
  ASSERT_EQ(::chmod(upper.c_str(), 01777), 0);
  const bool has_xattr = ::lsetxattr(upper.c_str(), "user.mark", "1", 1, 0) == 0;
  const bool has_trusted = ::lsetxattr(upper.c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0;

  Status reset = snapshotter_->Reset("used");
  ASSERT_TRUE(reset.ok()) << reset.message();
  for (const char* part : {"upper", "work", "rootfs"}) {
    EXPECT_TRUE(ListDirectoryNames(dir_ + "/snapshots/used." + part).empty()) << part;
  }
  struct stat fresh, used;
  ASSERT_EQ(::stat(snapshotter_->ChangesDir("fresh").c_str(), &fresh), 0);
  ASSERT_EQ(::stat(upper.c_str(), &used), 0);
  EXPECT_EQ(used.st_mode, fresh.st_mode);
  EXPECT_EQ(used.st_uid, fresh.st_uid) << "the mapped root's no more";
  EXPECT_EQ(used.st_gid, fresh.st_gid);
  EXPECT_EQ(::llistxattr(upper.c_str(), nullptr, 0), 0)
      << "extended attributes were set: " << has_xattr << has_trusted;
  // A reset snapshot is as good as a prepared one: it can be rekeyed.
  ASSERT_TRUE(snapshotter_->Rekey("used", "next", IdMapping{}).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{"fresh.rootfs", "fresh.upper", "fresh.work",
                                               "next.rootfs", "next.upper", "next.work"}));
  EXPECT_FALSE(snapshotter_->Reset("missing").ok());
}

TEST_F(OverlaySnapshotterTest, ResetRefusesAMountedSnapshot) {
  ASSERT_TRUE(snapshotter_->Prepare("mounted", IdMapping{}).ok());
  const std::string rootfs = snapshotter_->RootfsDir("mounted");
  if (::mount("tmpfs", rootfs.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "needs root to mount";
  }
  ASSERT_TRUE(WriteFileAtomically(snapshotter_->ChangesDir("mounted") + "/kept", "x").ok());
  Status reset = snapshotter_->Reset("mounted");
  EXPECT_EQ(reset.code(), StatusCode::kFailedPrecondition) << reset.message();
  EXPECT_EQ(ListDirectoryNames(snapshotter_->ChangesDir("mounted")),
            std::vector<std::string>{"kept"});
  ASSERT_EQ(::umount2(rootfs.c_str(), MNT_DETACH), 0);
  EXPECT_TRUE(snapshotter_->Reset("mounted").ok());
}

TEST_F(OverlaySnapshotterTest, ManyLayersMountWithALowerDirectoryOutsideTheirParent) {
  // Enough layers that their full paths exceed a page: named relative to layers/, while the
  // /etc mount points' directory elsewhere keeps its full path.
  std::vector<std::string> lower_dirs;
  ASSERT_EQ(::mkdir((dir_ + "/layers").c_str(), 0755), 0);
  for (int i = 1; i <= 120; ++i) {
    lower_dirs.push_back(dir_ + "/layers/" + std::to_string(i));
    ASSERT_EQ(::mkdir(lower_dirs.back().c_str(), 0755), 0);
  }
  ASSERT_TRUE(WriteFileAtomically(lower_dirs.front() + "/base", "b").ok());
  ASSERT_EQ(::mkdir((dir_ + "/etc-mount-points").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/etc-mount-points/hosts", "").ok());
  lower_dirs.push_back(dir_ + "/etc-mount-points");
  ASSERT_TRUE(snapshotter_->Prepare("many", IdMapping{}).ok());
  auto rootfs = snapshotter_->Mount("many", lower_dirs, IdMapping{});
  if (!rootfs.ok() &&
      rootfs.status().message().find("Operation not permitted") != std::string::npos) {
    GTEST_SKIP() << "needs root to mount";
  }
  ASSERT_TRUE(rootfs.ok()) << rootfs.status().message();
  EXPECT_EQ(::access((*rootfs + "/base").c_str(), F_OK), 0);
  EXPECT_EQ(::access((*rootfs + "/hosts").c_str(), F_OK), 0);
  EXPECT_TRUE(snapshotter_->Unmount("many").ok());
}

}  // namespace
}  // namespace boxcar
