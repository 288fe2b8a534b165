// OverlaySnapshotter::Rekey: a prepared snapshot handed to another key by renames, all or
// nothing. (Mounting is covered by the integration suites and snapshot_bench.)
#include "snapshot/overlay_snapshotter.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
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

}  // namespace
}  // namespace boxcar
