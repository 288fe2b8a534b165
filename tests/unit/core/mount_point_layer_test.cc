// The agent's mount-point layers as `diff` and `export` read them: which paths a stack of
// layers has (a whiteout deletes), and which mount points a layer holds.
#include "core/mount_point_layer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

class MountPointLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/mount-point-layer-XXXXXX", &dir_));
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }
  std::string Path(const std::string& name) { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(MountPointLayerTest, TheHighestLayerNamingAPathDecides) {
  for (const char* dir : {"low", "low/etc", "high", "high/etc"}) ::mkdir(Path(dir).c_str(), 0755);
  std::ofstream(Path("low/etc/hosts")) << "image's";
  std::ofstream(Path("low/etc/passwd")) << "root";
  ASSERT_EQ(::mknod(Path("high/etc/passwd").c_str(), S_IFCHR | 0000, makedev(0, 0)), 0)
      << "a whiteout (root only)";
  const std::vector<std::string> layers = {Path("low"), Path("high")};
  EXPECT_TRUE(LayersHavePath(layers, "/etc/hosts"));
  EXPECT_FALSE(LayersHavePath(layers, "/etc/passwd")) << "deleted in the higher layer";
  EXPECT_TRUE(LayersHavePath({Path("low")}, "/etc/passwd"));
  EXPECT_FALSE(LayersHavePath(layers, "/etc/hostname"));
}

TEST_F(MountPointLayerTest, ALayersFilesAreItsMountPoints) {
  ASSERT_TRUE(EnsureMountPointLayer(Path("etc-layer"), "etc", {"hosts", "resolv.conf"}, 0644,
                                    "the test's layer")
                  .ok());
  std::vector<std::string> files = MountPointLayerFiles(Path("etc-layer"));
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"/etc/hosts", "/etc/resolv.conf"}));
  EXPECT_TRUE(MountPointLayerFiles(Path("absent")).empty());
}

}  // namespace
}  // namespace boxcar
