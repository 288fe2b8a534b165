#include "shim/user_lookup.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

class UserLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-users-XXXXXX", &dir_));
    std::ofstream(dir_ + "/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                       "app:x:1000:1000:App:/home/app:/bin/sh\n"
                                       "broken line\n";
    std::ofstream(dir_ + "/group") << "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\nstaff:x:50:\n";
  }
  void TearDown() override {
    ::unlink((dir_ + "/passwd").c_str());
    ::unlink((dir_ + "/group").c_str());
    ::rmdir(dir_.c_str());
  }
  bool Resolve(const std::string& spec, ResolvedUser* user, std::string* error) {
    return ResolveUser(spec, dir_ + "/passwd", dir_ + "/group", user, error);
  }
  std::string dir_;
};

TEST_F(UserLookupTest, NameGivesUidGidHomeAndGroups) {
  ResolvedUser user;
  std::string error;
  ASSERT_TRUE(Resolve("app", &user, &error)) << error;
  EXPECT_EQ(user.uid, 1000u);
  EXPECT_EQ(user.gid, 1000u);
  EXPECT_EQ(user.home, "/home/app");
  EXPECT_EQ(user.supplementary_gids, std::vector<gid_t>{10});
}

TEST_F(UserLookupTest, NumericAndGroupOverrides) {
  ResolvedUser user;
  std::string error;
  ASSERT_TRUE(Resolve("4242", &user, &error));
  EXPECT_EQ(user.uid, 4242u);
  EXPECT_EQ(user.gid, 0u);
  ResolvedUser with_group;
  ASSERT_TRUE(Resolve("app:staff", &with_group, &error));
  EXPECT_EQ(with_group.gid, 50u);
  ResolvedUser numeric_group;
  ASSERT_TRUE(Resolve("0:77", &numeric_group, &error));
  EXPECT_EQ(numeric_group.gid, 77u);
}

// An image's config may carry any user: (uid_t)-1 would leave the ids as they were (root).
TEST_F(UserLookupTest, IdsPastTheRangeAreErrorsNotRoot) {
  for (const char* spec : {"4294967295", "4294967296", "9999999999", "0:4294967295"}) {
    ResolvedUser user;
    std::string error;
    EXPECT_FALSE(Resolve(spec, &user, &error)) << spec;
    EXPECT_NE(error.find("out of range"), std::string::npos) << spec << ": " << error;
  }
  ResolvedUser highest;
  std::string error;
  ASSERT_TRUE(Resolve("4294967294", &highest, &error)) << error;
  EXPECT_EQ(highest.uid, 4294967294u);
}

TEST_F(UserLookupTest, UnknownNamesAreErrors) {
  ResolvedUser user;
  std::string error;
  EXPECT_FALSE(Resolve("ghost", &user, &error));
  EXPECT_NE(error.find("ghost"), std::string::npos);
  EXPECT_FALSE(Resolve("app:nogroup", &user, &error));
  EXPECT_NE(error.find("nogroup"), std::string::npos);
}

TEST_F(UserLookupTest, ExtraGroupsByNameOrGidFollowTheUsersOwn) {
  ResolvedUser user;
  std::string error;
  ASSERT_TRUE(Resolve("app", &user, &error)) << error;
  ASSERT_TRUE(AddExtraGroups({"staff", "4242"}, dir_ + "/group", &user, &error)) << error;
  EXPECT_EQ(user.supplementary_gids, (std::vector<gid_t>{10, 50, 4242}));
  EXPECT_EQ(user.gid, 1000u) << "the primary group stays";
}

TEST_F(UserLookupTest, UnknownExtraGroupNameIsNamed) {
  ResolvedUser user;
  std::string error;
  EXPECT_FALSE(AddExtraGroups({"staff", "nosuch"}, dir_ + "/group", &user, &error));
  EXPECT_EQ(error, "--group-add: group 'nosuch' not found in the image's /etc/group");
  // No /etc/group at all: numeric gids still work.
  ResolvedUser numeric;
  EXPECT_TRUE(AddExtraGroups({"7"}, dir_ + "/missing", &numeric, &error));
  EXPECT_EQ(numeric.supplementary_gids, std::vector<gid_t>{7});
}

}  // namespace
}  // namespace boxcar
