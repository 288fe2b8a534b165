#include "registry/repository_name.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

TEST(RepositoryName, SpecGrammar) {
  for (const char* good :
       {"a", "tenanta/busybox", "a/b/c", "my-app", "my__app", "a.b", "a--b", "x1/y_2"}) {
    EXPECT_TRUE(IsValidRepositoryName(good)) << good;
  }
  for (const char* bad : {"", "A", "TenantA/x", "a//b", "/a", "a/", "../etc", "a/../b", "a/./b",
                          "-a", "a-", "a___b", "a b", "a%2fb", "a\\b", "a:b"}) {
    EXPECT_FALSE(IsValidRepositoryName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidRepositoryName(std::string(256, 'a')));
  EXPECT_TRUE(IsValidRepositoryName(std::string(255, 'a')));
}

TEST(RepositoryName, TagsDigestsAndUploadIds) {
  EXPECT_TRUE(IsValidTag("latest"));
  EXPECT_TRUE(IsValidTag("v1.2_3-rc"));
  EXPECT_FALSE(IsValidTag(".hidden"));
  EXPECT_FALSE(IsValidTag("-x"));
  EXPECT_FALSE(IsValidTag("../x"));
  EXPECT_FALSE(IsValidTag(std::string(129, 'a')));
  const std::string hex(64, 'a');
  EXPECT_TRUE(IsValidDigest("sha256:" + hex));
  EXPECT_FALSE(IsValidDigest("sha256:" + hex.substr(1)));
  EXPECT_FALSE(IsValidDigest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsValidDigest("sha512:" + hex));
  EXPECT_FALSE(IsValidDigest("sha256:../../etc/passwd"));
  EXPECT_TRUE(IsValidUploadId(std::string(32, 'f')));
  EXPECT_FALSE(IsValidUploadId("../" + std::string(29, 'f')));
}

TEST(RepositoryName, ProjectPrefix) {
  EXPECT_EQ(ProjectPrefix("tenanta/app"), "tenanta");
  EXPECT_EQ(ProjectPrefix("tenanta/team/app"), "tenanta");
  EXPECT_EQ(ProjectPrefix("app"), "");
  EXPECT_EQ(Lowercase("TenantA"), "tenanta");
}

}  // namespace
}  // namespace boxcar::registry
