#include "common/trash_can.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

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

TEST_F(TrashCanTest, DeletesOnlyOnceTheIdleGateIsIdle) {
  IdleGate gate(std::chrono::milliseconds(5), std::chrono::seconds(30));
  auto trash = TrashCan::Open(root_ + "/trash", &gate);
  ASSERT_TRUE(trash.ok()) << trash.status().message();
  {
    IdleGate::Busy busy(&gate);
    ASSERT_TRUE(MakeDirectories(root_ + "/tree/sub", 0755).ok());
    ASSERT_TRUE((*trash)->Discard(root_ + "/tree").ok());
    EXPECT_FALSE(Exists(root_ + "/tree")) << "moved at once, busy or not";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(ListDirectoryNames(root_ + "/trash").size(), 1u) << "deleted while busy";
  }
  for (int i = 0; i < 200 && !ListDirectoryNames(root_ + "/trash").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty()) << "not deleted once idle";
  // Drain does not wait for the gate (a caller may hold it busy).
  IdleGate::Busy busy(&gate);
  ASSERT_TRUE(MakeDirectories(root_ + "/again", 0755).ok());
  ASSERT_TRUE((*trash)->Discard(root_ + "/again").ok());
  (*trash)->Drain();
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty());
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

TEST_F(TrashCanTest, DiscardContentsEmptiesADirectoryAndKeepsIt) {
  auto trash = TrashCan::Open(root_ + "/trash");
  ASSERT_TRUE(trash.ok());
  for (TrashCan* can : {trash->get(), static_cast<TrashCan*>(nullptr)}) {
    SCOPED_TRACE(can ? "into the trash" : "deleted at once");
    ASSERT_TRUE(MakeDirectories(root_ + "/dir/sub/deeper", 0755).ok());
    std::ofstream(root_ + "/dir/file") << "content";
    std::ofstream(root_ + "/dir/.hidden") << "content";
    ASSERT_EQ(::symlink("/", (root_ + "/dir/link").c_str()), 0);
    struct stat before {};
    ASSERT_EQ(::stat((root_ + "/dir").c_str(), &before), 0);
    Status emptied = DiscardContents(can, root_ + "/dir");
    ASSERT_TRUE(emptied.ok()) << emptied.message();
    EXPECT_TRUE(ListDirectoryNames(root_ + "/dir").empty());
    struct stat after {};
    ASSERT_EQ(::stat((root_ + "/dir").c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino) << "the directory itself stays";
    EXPECT_TRUE(Exists("/")) << "a symlink inside goes, not what it points to";
    ASSERT_EQ(::rmdir((root_ + "/dir").c_str()), 0);
  }
  (*trash)->Drain();
  EXPECT_TRUE(ListDirectoryNames(root_ + "/trash").empty());
  Status missing = DiscardContents(trash->get(), root_ + "/missing");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(root_ + "/missing"), std::string::npos) << missing.message();
  ASSERT_EQ(::symlink(root_.c_str(), (root_ + "/link").c_str()), 0);
  EXPECT_FALSE(DiscardContents(nullptr, root_ + "/link").ok()) << "a symlink is not followed";
  EXPECT_TRUE(Exists(root_ + "/trash"));
}

}  // namespace
}  // namespace boxcar
