// A path of an image looked up in its layer directories as overlayfs will show them
// (core/image_path_lookup.h), and the init's mount point layer chosen from it
// (core/container_init_process.h): symlinks followed inside the image only, whiteouts and
// opaque directories honoured.
#include "core/image_path_lookup.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../temp_dir.h"
#include "common/directory_tree.h"
#include "core/container_init_process.h"

namespace boxcar {
namespace {

class ImagePathLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-lookup-XXXXXX", &dir_));
  }
  void TearDown() override { (void)RemoveTree(dir_); }

  // A new layer directory on top of the others.
  std::string Layer() {
    layers_.push_back(dir_ + "/layer" + std::to_string(made_++));
    EXPECT_EQ(::mkdir(layers_.back().c_str(), 0755), 0);
    return layers_.back();
  }
  // A new layer with /usr/sbin and /sbin -> usr/sbin, as a usr-merged image's.
  std::string UsrMergedLayer() {
    const std::string layer = Layer();
    Dir(layer + "/usr");
    Dir(layer + "/usr/sbin");
    Link("usr/sbin", layer + "/sbin");
    return layer;
  }
  static void Dir(const std::string& path) { ASSERT_EQ(::mkdir(path.c_str(), 0755), 0) << path; }
  static void Link(const std::string& target, const std::string& path) {
    ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path;
  }
  std::string Resolved(const std::string& path) {
    auto found = LookUpImagePath(layers_, path);
    if (!found) return "<none>";
    return found->relative_path +
           (found->exists ? (found->is_directory ? " dir" : " file") : " absent");
  }

  std::string dir_;
  std::vector<std::string> layers_;
  int made_ = 0;
};

TEST_F(ImagePathLookupTest, FollowsSymlinksInsideTheImageOnly) {
  const std::string base = UsrMergedLayer();
  EXPECT_EQ(Resolved("sbin"), "usr/sbin dir") << "a usr-merged image";
  EXPECT_EQ(Resolved("/sbin/"), "usr/sbin dir");
  EXPECT_EQ(Resolved("sbin/docker-init"), "usr/sbin/docker-init absent");
  const std::string top = Layer();
  // Relinked in a higher layer: absolute, and one that climbs out (clamped at the root).
  Link("/usr/sbin", top + "/sbin");
  EXPECT_EQ(Resolved("sbin"), "usr/sbin dir");
  Link("../../../../../usr/./sbin", top + "/escape");
  EXPECT_EQ(Resolved("escape"), "usr/sbin dir") << "never out of the image";
  Link("/", top + "/root");
  EXPECT_EQ(Resolved("root"), " dir");
  Link("loop", top + "/loop");
  EXPECT_EQ(Resolved("loop"), "<none>") << "a loop ends";
  Link("nowhere/x", top + "/dangling");
  EXPECT_EQ(Resolved("dangling"), "<none>") << "below a missing directory";
  ASSERT_EQ(::close(::creat((base + "/usr/file").c_str(), 0644)), 0);
  EXPECT_EQ(Resolved("usr/file"), "usr/file file");
  EXPECT_EQ(Resolved("usr/file/x"), "<none>");
}

TEST_F(ImagePathLookupTest, WhiteoutsAndOpaqueDirectoriesHideLowerLayers) {
  UsrMergedLayer();
  const std::string top = Layer();
  // A whiteout (char 0:0) deletes the link: /sbin is absent.
  ASSERT_EQ(::mknod((top + "/sbin").c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  EXPECT_EQ(Resolved("sbin"), "sbin absent");
  // An opaque /usr above hides the lower usr/sbin.
  const std::string opaque = Layer();
  Dir(opaque + "/usr");
  ASSERT_EQ(::lsetxattr((opaque + "/usr").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  Link("usr/sbin", opaque + "/sbin");
  EXPECT_EQ(Resolved("sbin"), "usr/sbin absent");
}

TEST_F(ImagePathLookupTest, TheInitsMountPointLayerFollowsAUsrMergedSbin) {
  UsrMergedLayer();
  const std::string root = dir_ + "/root";
  Dir(root);
  auto layer = InitMountPointLayerOver(root, layers_);
  ASSERT_TRUE(layer.ok()) << layer.status().message();
  ASSERT_TRUE(layer->has_value());
  EXPECT_EQ(**layer, root + "/init-mount-points/usr%2Fsbin");
  struct stat st {};
  EXPECT_EQ(::lstat((**layer + "/usr/sbin/docker-init").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_NE(::lstat((**layer + "/sbin").c_str(), &st), 0) << "the image's link is not hidden";
  // Again: the same layer, made once.
  EXPECT_EQ(**InitMountPointLayerOver(root, layers_), **layer);
  // /sbin a directory: the shared layer; a file: none (the shim's old way).
  layers_.clear();
  const std::string plain = Layer();
  Dir(plain + "/sbin");
  EXPECT_EQ(**InitMountPointLayerOver(root, layers_), InitMountPointLayer(root));
  layers_.clear();
  const std::string odd = Layer();
  ASSERT_EQ(::close(::creat((odd + "/sbin").c_str(), 0644)), 0);
  EXPECT_FALSE(InitMountPointLayerOver(root, layers_)->has_value());
}

}  // namespace
}  // namespace boxcar
