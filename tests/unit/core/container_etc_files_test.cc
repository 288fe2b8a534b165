#include "core/container_etc_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "../temp_dir.h"

namespace boxcar {
namespace {

class ContainerEtcFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-etcf-XXXXXX", &dir_)); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Layer(const std::string& name) {
    std::string layer = dir_ + "/" + name;
    ::mkdir(layer.c_str(), 0755);
    return layer;
  }
  std::string dir_;
};

TEST_F(ContainerEtcFilesTest, TheHighestLayerNamingEtcDecides) {
  const std::string base = Layer("base"), top = Layer("top");
  EXPECT_TRUE(ImageEtcIsDirectoryOrAbsent({base, top})) << "no /etc at all";
  ASSERT_EQ(::mkdir((base + "/etc").c_str(), 0755), 0);
  EXPECT_TRUE(ImageEtcIsDirectoryOrAbsent({base, top}));
  // A symlink in a higher layer: the image's /etc is the symlink.
  ASSERT_EQ(::symlink("/", (top + "/etc").c_str()), 0);
  EXPECT_FALSE(ImageEtcIsDirectoryOrAbsent({base, top}));
  EXPECT_TRUE(ImageEtcIsDirectoryOrAbsent({top, base})) << "lowest first";
  // A whiteout deletes it.
  ASSERT_EQ(::unlink((top + "/etc").c_str()), 0);
  ASSERT_EQ(::mknod((top + "/etc").c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  EXPECT_TRUE(ImageEtcIsDirectoryOrAbsent({base, top}));
}

TEST_F(ContainerEtcFilesTest, MountPointsLayerHoldsEmptyFilesAndIsMadeOnce) {
  ASSERT_TRUE(EnsureEtcMountPointsLayer(dir_).ok());
  ASSERT_TRUE(EnsureEtcMountPointsLayer(dir_).ok());
  for (const char* name : {"hosts", "resolv.conf", "hostname"}) {
    struct stat st {};
    ASSERT_EQ(::lstat((EtcMountPointsLayer(dir_) + "/etc/" + name).c_str(), &st), 0) << name;
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, 0);
  }
}

TEST_F(ContainerEtcFilesTest, MountsSkipTargetsTheSpecMountsItselfAndFollowReadOnly) {
  v1::ContainerSpec spec;
  EXPECT_EQ(EtcFileMounts("/state", spec).size(), 3u);
  EXPECT_EQ(EtcFileMounts("/state", spec)[0].source, "/state/hosts");
  EXPECT_EQ(EtcFileMounts("/state", spec)[0].target, "/etc/hosts");
  EXPECT_FALSE(EtcFileMounts("/state", spec)[0].read_only);
  v1::Mount* mine = spec.add_mounts();
  mine->set_type(v1::Mount::TYPE_BIND);
  mine->set_source("/srv/resolv.conf");
  mine->set_target("/etc//resolv.conf");
  spec.set_read_only_rootfs(true);
  auto mounts = EtcFileMounts("/state", spec);
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].target, "/etc/hosts");
  EXPECT_EQ(mounts[1].target, "/etc/hostname");
  EXPECT_TRUE(mounts[0].read_only);
}

}  // namespace
}  // namespace boxcar
