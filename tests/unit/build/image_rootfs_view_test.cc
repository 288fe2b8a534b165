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

}  // namespace
}  // namespace boxcar
