#include "lxc_shim/rootfs_lookup.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class RootfsLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-rootfs-XXXXXX", &dir_));
    rootfs_ = dir_ + "/rootfs";
    ASSERT_TRUE(MakeDirectories(rootfs_ + "/bin").ok());
    ASSERT_TRUE(MakeDirectories(rootfs_ + "/etc").ok());
    std::ofstream(rootfs_ + "/bin/tool") << "#!/bin/sh\n";
    ::chmod((rootfs_ + "/bin/tool").c_str(), 0755);
    std::ofstream(rootfs_ + "/bin/data") << "not executable\n";
    std::ofstream(rootfs_ + "/etc/passwd") << "inside:x:1:1::/:/bin/sh\n";
    std::ofstream(dir_ + "/host-secret") << "host\n";
    // Hostile links: absolute and climbing ones must resolve inside the rootfs.
    ASSERT_EQ(::symlink("/etc/passwd", (rootfs_ + "/etc/link").c_str()), 0);
    ASSERT_EQ(::symlink("../../host-secret", (rootfs_ + "/etc/climb").c_str()), 0);
    ASSERT_EQ(::symlink("/etc", (rootfs_ + "/work").c_str()), 0);
    root_fd_ = ::open(rootfs_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override {
    ::close(root_fd_);
    (void)RemoveTree(dir_);
  }

  std::string ReadInRootfs(const std::string& path) {
    auto fd = OpenInRootfs(root_fd_, path, O_RDONLY);
    if (!fd.ok()) return "error: " + fd.status().message();
    auto text = ReadFileToString("/proc/self/fd/" + std::to_string(fd->get()));
    return text.ok() ? *text : "";
  }

  std::string dir_, rootfs_;
  int root_fd_ = -1;
};

TEST_F(RootfsLookupTest, LinksResolveInsideTheRootfs) {
  EXPECT_EQ(ReadInRootfs("/etc/link"), "inside:x:1:1::/:/bin/sh\n");
  EXPECT_NE(ReadInRootfs("/etc/climb").find("error"), std::string::npos)
      << "'../../host-secret' must stay inside the rootfs, where it does not exist";
  EXPECT_NE(ReadInRootfs("/../host-secret").find("error"), std::string::npos);
}

TEST_F(RootfsLookupTest, WorkingDirectoriesAreMadeInsideTheRootfs) {
  EXPECT_TRUE(MakeDirectoriesInRootfs(root_fd_, "/a/b/c").ok());
  struct stat st;
  EXPECT_EQ(::stat((rootfs_ + "/a/b/c").c_str(), &st), 0);
  // "/work" is a link to "/etc": the new directory lands in the rootfs' /etc, not the host's.
  EXPECT_TRUE(MakeDirectoriesInRootfs(root_fd_, "/work/new").ok());
  EXPECT_EQ(::stat((rootfs_ + "/etc/new").c_str(), &st), 0);
  EXPECT_TRUE(MakeDirectoriesInRootfs(root_fd_, "/").ok());
  EXPECT_FALSE(MakeDirectoriesInRootfs(root_fd_, "/bin/tool/sub").ok());
}

TEST_F(RootfsLookupTest, WorkingDirectoriesBelongToTheContainersRoot) {
  // A user namespace's root is host 100000:100001 here; existing directories are left alone.
  EXPECT_TRUE(MakeDirectoriesInRootfs(root_fd_, "/etc/made/deep", 100000, 100001).ok());
  struct stat st;
  ASSERT_EQ(::stat((rootfs_ + "/etc/made/deep").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 100000u);
  EXPECT_EQ(st.st_gid, 100001u);
  ASSERT_EQ(::stat((rootfs_ + "/etc").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::getuid());
}

TEST_F(RootfsLookupTest, CommandsAreFoundAsExecvpWould) {
  EXPECT_EQ(CheckCommandInRootfs(root_fd_, "tool", "/usr/bin:/bin", "/").exit_code, 0);
  EXPECT_EQ(CheckCommandInRootfs(root_fd_, "/bin/tool", "", "/").exit_code, 0);
  EXPECT_EQ(CheckCommandInRootfs(root_fd_, "./tool", "", "/bin").exit_code, 0);
  CommandCheck missing = CheckCommandInRootfs(root_fd_, "nosuch", "/bin", "/");
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_EQ(missing.message, "exec 'nosuch': No such file or directory");
  CommandCheck data = CheckCommandInRootfs(root_fd_, "data", "/usr/bin:/bin", "/");
  EXPECT_EQ(data.exit_code, 126);
  EXPECT_EQ(data.message, "exec 'data': Permission denied");
  EXPECT_EQ(CheckCommandInRootfs(root_fd_, "/etc", "", "/").exit_code, 126);
  EXPECT_EQ(CheckCommandInRootfs(root_fd_, "", "/bin", "/").exit_code, 127);
}

}  // namespace
}  // namespace boxcar
