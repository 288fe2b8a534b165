#include "volumes/volume_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class VolumeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/volume-store-test-XXXXXX", &dir_));
  }
  void TearDown() override { (void)RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(VolumeStoreTest, CreatesListsAndRemovesVolumes) {
  auto store = VolumeStore::Open(dir_ + "/volumes");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto named = (*store)->Create("data", false);
  ASSERT_TRUE(named.ok()) << named.status().message();
  EXPECT_EQ(named->data_dir, dir_ + "/volumes/data/_data");
  struct stat st;
  EXPECT_EQ(::stat(named->data_dir.c_str(), &st), 0);
  EXPECT_EQ((*store)->Create("data", false).status().code(), StatusCode::kAlreadyExists);
  auto anonymous = (*store)->Create("", true);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->name.size(), 64u);
  auto listed = (*store)->List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].anonymous != listed[1].anonymous);
  auto ensured = (*store)->Ensure("data", "spec.mounts[0].source");
  ASSERT_TRUE(ensured.ok());
  EXPECT_EQ(ensured->created_unix_ns, named->created_unix_ns) << "the existing one";
  EXPECT_TRUE((*store)->Remove("data").ok());
  EXPECT_EQ((*store)->Get("data").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*store)->Remove("data").code(), StatusCode::kNotFound);
}

TEST_F(VolumeStoreTest, RefusesBadNamesNamingTheField) {
  auto store = VolumeStore::Open(dir_ + "/volumes");
  ASSERT_TRUE(store.ok());
  for (const char* name : {"../escape", ".hidden", "a/b", "-dash", "with space"}) {
    Status refused = (*store)->Ensure(name, "spec.mounts[2].source").status();
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(refused.message().find("spec.mounts[2].source"), std::string::npos);
  }
}

TEST_F(VolumeStoreTest, OpenClearsWhatACrashLeft) {
  ASSERT_TRUE(MakeDirectories(dir_ + "/volumes/.new-1234/_data").ok());
  ASSERT_TRUE(MakeDirectories(dir_ + "/volumes/.gone-5678/_data").ok());
  auto kept = VolumeStore::Open(dir_ + "/volumes");
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE((*kept)->Create("kept", false).ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/volumes/kept/_data/file", "x").ok());
  auto reopened = VolumeStore::Open(dir_ + "/volumes");
  ASSERT_TRUE(reopened.ok());
  EXPECT_NE(::access((dir_ + "/volumes/.new-1234").c_str(), F_OK), 0);
  EXPECT_NE(::access((dir_ + "/volumes/.gone-5678").c_str(), F_OK), 0);
  ASSERT_EQ((*reopened)->List().size(), 1u);
  EXPECT_EQ(::access((dir_ + "/volumes/kept/_data/file").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace boxcar
