// MarkTopDirectory: FS_TOPDIR_FL set where the file system has it, a quiet false elsewhere.
#include "common/directory_tree.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <string>

#include "common/unique_fd.h"

namespace boxcar {
namespace {

// The inode flags of `path`; -1 where the file system has none.
int InodeFlags(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int flags = 0;
  if (!fd || ::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) return -1;
  return flags;
}

TEST(DirectoryTreeTest, MarkTopDirectorySetsTheFlagWhereTheFileSystemHasIt) {
  char dir_template[] = "/tmp/boxcar-topdir-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const int before = InodeFlags(dir);
  const bool marked = MarkTopDirectory(dir);
  if (before < 0) {
    EXPECT_FALSE(marked) << "no inode flags on this file system: nothing to mark";
  } else {
    ASSERT_TRUE(marked);
    EXPECT_NE(InodeFlags(dir) & FS_TOPDIR_FL, 0);
    EXPECT_TRUE(MarkTopDirectory(dir)) << "marking twice is fine";
    EXPECT_EQ(InodeFlags(dir), before | FS_TOPDIR_FL) << "other flags kept";
  }
  EXPECT_FALSE(MarkTopDirectory(dir + "/missing"));
  EXPECT_TRUE(RemoveTree(dir).ok());
}

}  // namespace
}  // namespace boxcar
