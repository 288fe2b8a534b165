#include "common/trash_can.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class TrashCanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-trash-XXXXXX", &root_));
  }
  void TearDown() override { (void)RemoveTree(root_); }
  bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
  std::string root_;
};

TEST_F(TrashCanTest, DiscardMovesAtOnceAndDeletesInTheBackground) {
  auto trash = TrashCan::Open(root_ + "/trash");
  ASSERT_TRUE(trash.ok()) << trash.status().message();
  ASSERT_TRUE(MakeDirectories(root_ + "/tree/a/b", 0755).ok());
  std::ofstream(root_ + "/tree/a/b/file") << "content";
  ASSERT_TRUE((*trash)->Discard(root_ + "/tree").ok());
  EXPECT_FALSE(Exists(root_ + "/tree")) << "gone from its place when Discard returns";
  (*trash)->Drain();
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty());
  EXPECT_TRUE((*trash)->Discard(root_ + "/missing").ok()) << "a missing path is fine";
}

TEST_F(TrashCanTest, OpenEmptiesWhatAPreviousRunLeft) {
  ASSERT_TRUE(MakeDirectories(root_ + "/trash/123-0/deep", 0755).ok());
  std::ofstream(root_ + "/trash/123-0/deep/file") << "left by a crash";
  auto trash = TrashCan::Open(root_ + "/trash");
  ASSERT_TRUE(trash.ok());
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty());
}

TEST_F(TrashCanTest, DestructionDeletesWhatIsPending) {
  {
    auto trash = TrashCan::Open(root_ + "/trash");
    ASSERT_TRUE(trash.ok());
    for (int i = 0; i < 20; ++i) {
      std::string dir = root_ + "/d" + std::to_string(i);
      ASSERT_TRUE(MakeDirectories(dir + "/x", 0755).ok());
      ASSERT_TRUE((*trash)->Discard(dir).ok());
    }
  }
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty());
}

}  // namespace
}  // namespace boxcar
