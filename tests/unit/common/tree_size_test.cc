#include "common/tree_size.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "common/directory_tree.h"

namespace boxcar {
namespace {

TEST(TreeSizeTest, CountsFilesAndSymlinksOnceEach) {
  char dir_template[] = "/tmp/boxcar-tree-size-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  EXPECT_EQ(TreeApparentSize(dir), 0u) << "an empty directory: its own size is not counted";
  ASSERT_EQ(::mkdir((dir + "/sub").c_str(), 0755), 0);
  std::ofstream(dir + "/sub/a") << std::string(1000, 'a');
  std::ofstream(dir + "/b") << std::string(24, 'b');
  ASSERT_EQ(::link((dir + "/sub/a").c_str(), (dir + "/a-again").c_str()), 0);
  ASSERT_EQ(::symlink("sub/a", (dir + "/to-a").c_str()), 0);  // 5 bytes: its target's length
  // A sparse file counts its apparent size, as Docker's.
  ASSERT_EQ(::truncate((std::ofstream(dir + "/sparse"), (dir + "/sparse").c_str()), 1 << 20), 0);
  EXPECT_EQ(TreeApparentSize(dir), 1000u + 24u + 5u + (1u << 20));
  EXPECT_EQ(TreeApparentSize(dir + "/sub"), 1000u);
  EXPECT_EQ(TreeApparentSize(dir + "/missing"), 0u);
  ASSERT_TRUE(RemoveTree(dir).ok());
}

}  // namespace
}  // namespace boxcar
