#include "build/image_rootfs_view.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

// One layer with an /etc/passwd and /etc/group, as --chown and USER look names up.
class ImageRootfsViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-rootfs-view-XXXXXX", &dir_));
    std::filesystem::create_directories(dir_ + "/layer/etc");
    std::ofstream(dir_ + "/layer/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                                 "app:x:1000:1001:App:/home/app:/bin/sh\n";
    std::ofstream(dir_ + "/layer/etc/group") << "root:x:0:\nstaff:x:50:app\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ImageRootfsViewTest, NamesAndNumbers) {
  ImageRootfsView view({dir_ + "/layer"});
  auto user = view.ResolveOwner("app");
  ASSERT_TRUE(user.ok()) << user.status().message();
  EXPECT_EQ(*user, std::make_pair(uid_t{1000}, gid_t{1001}));
  auto both = view.ResolveOwner("app:staff");
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(*both, std::make_pair(uid_t{1000}, gid_t{50}));
  auto numbers = view.ResolveOwner("7:8");
  ASSERT_TRUE(numbers.ok());
  EXPECT_EQ(*numbers, std::make_pair(uid_t{7}, gid_t{8}));
}

TEST_F(ImageRootfsViewTest, UnknownNamesAreRefusedNamingTheFile) {
  ImageRootfsView view({dir_ + "/layer"});
  auto user = view.ResolveOwner("nobody:staff");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().message(),
            "owner 'nobody:staff': no user 'nobody' in the image's /etc/passwd");
  auto group = view.ResolveOwner("app:wheel");
  ASSERT_FALSE(group.ok());
  EXPECT_EQ(group.status().message(),
            "owner 'app:wheel': no group 'wheel' in the image's /etc/group");
  auto scratch = ImageRootfsView({}).ResolveOwner("app");
  ASSERT_FALSE(scratch.ok());
  EXPECT_EQ(scratch.status().message(), "owner 'app': no user 'app' in the image's /etc/passwd");
}

// Symlinks are followed inside the image's root, across layers, never out to the host.
TEST_F(ImageRootfsViewTest, ResolveFollowsTheImagesLinksInsideItsRoot) {
  const std::string lower = dir_ + "/layer";
  const std::string upper = dir_ + "/upper";
  std::filesystem::create_directories(lower + "/usr/lib2");
  std::filesystem::create_directories(upper);
  std::filesystem::create_symlink("usr/lib2", lower + "/lib2");
  std::filesystem::create_symlink("/usr/lib2", upper + "/abs");  // absolute: the image's root
  std::filesystem::create_symlink("../../../../../etc", upper + "/up");
  std::filesystem::create_symlink("loop2", upper + "/loop1");
  std::filesystem::create_symlink("loop1", upper + "/loop2");
  std::filesystem::create_symlink("/", upper + "/host");
  ImageRootfsView view({lower, upper});
  EXPECT_EQ(*view.Resolve("/lib2/x", false), "/usr/lib2/x");
  EXPECT_EQ(*view.Resolve("/lib2", false), "/lib2") << "the last one only when asked";
  EXPECT_EQ(*view.Resolve("/lib2", true), "/usr/lib2");
  EXPECT_EQ(*view.Resolve("/abs/./y/../z", false), "/usr/lib2/z");
  EXPECT_EQ(*view.Resolve("/up/passwd", false), "/etc/passwd") << "'..' stops at the root";
  EXPECT_EQ(*view.Resolve("/a/../../b/.", false), "/b");
  EXPECT_EQ(view.Resolve("/loop1/x", false).status().code(), StatusCode::kInvalidArgument);
  // The host's /etc/hostname is not the image's: a link to "/" is the image's root.
  EXPECT_FALSE(view.Stat(*view.Resolve("/host/etc/hostname", false)).has_value());
  EXPECT_EQ(view.HostPath("/host/etc/hostname"), "")
      << "a layer's copy is never looked up through a link on the host";
}

}  // namespace
}  // namespace boxcar
