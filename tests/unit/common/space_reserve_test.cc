#include "common/space_reserve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "../temp_dir.h"
#include "common/directory_tree.h"

namespace boxcar {
namespace {

class SpaceReserveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-reserve-XXXXXX", &dir_));
  }
  void TearDown() override { (void)RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(SpaceReserveTest, MadeAllocatedReleasedOnceWithAWarningAndMadeAgain) {
  std::vector<std::string> warnings;
  SpaceReserve reserve(
      dir_ + "/space-reserve", [&](const std::string& warning) { warnings.push_back(warning); },
      1 << 20);
  ASSERT_TRUE(reserve.Make().ok());
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/space-reserve").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 1 << 20);
  EXPECT_GE(st.st_blocks * 512, 1 << 20) << "allocated, not sparse";
  EXPECT_TRUE(reserve.held());

  EXPECT_TRUE(reserve.Release());
  EXPECT_NE(::access((dir_ + "/space-reserve").c_str(), F_OK), 0);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("disk is full"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("--root"), std::string::npos) << warnings[0];
  // Nothing left to give: the failed write is not worth retrying again.
  EXPECT_FALSE(reserve.Release());
  EXPECT_EQ(warnings.size(), 1u);

  // Not at once (at most once a second), then when /tmp has room for it.
  reserve.Replenish();
  EXPECT_FALSE(reserve.held());
  ::sleep(1);
  reserve.Replenish();
  EXPECT_TRUE(reserve.held());
  EXPECT_EQ(::access((dir_ + "/space-reserve").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace boxcar
