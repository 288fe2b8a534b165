#include "cli/openstack_auth_flags.h"

#include <gtest/gtest.h>

#include <map>

namespace boxcar::cli {
namespace {

TEST(OpenStackAuthFlags, FlagsWinOverEnvironment) {
  CLI::App app;
  OpenStackAuthFlags flags;
  AddOpenStackAuthFlags(&app, flags);
  const char* argv[] = {"pull", "--os-username", "alice", "--os-image-url", "http://g:9292"};
  app.parse(5, const_cast<char**>(argv));
  std::map<std::string, std::string> env = {{"OS_USERNAME", "bob"},
                                            {"OS_PASSWORD", "pw"},
                                            {"OS_AUTH_URL", "http://k:5000/v3"},
                                            {"OS_TENANT_NAME", "tenantA"},
                                            {"OS_DOMAIN_NAME", "Dom"}};
  auto auth = OpenStackAuthFrom(flags, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  EXPECT_EQ(auth.username(), "alice");
  EXPECT_EQ(auth.password(), "pw");
  EXPECT_EQ(auth.auth_url(), "http://k:5000/v3");
  EXPECT_EQ(auth.glance_endpoint(), "http://g:9292");
  EXPECT_EQ(auth.project_name(), "tenantA");
  EXPECT_EQ(auth.user_domain_name(), "Dom");
  EXPECT_EQ(auth.project_domain_name(), "Dom");
  EXPECT_EQ(auth.token(), "");
}

TEST(OpenStackAuthFlags, GlancePushFlags) {
  CLI::App app;
  GlancePushFlags flags;
  AddGlancePushFlags(&app, flags);
  const char* argv[] = {"push", "--glance-image-id", "abc", "--glance-visibility", "shared"};
  app.parse(5, const_cast<char**>(argv));
  EXPECT_EQ(flags.image_id, "abc");
  EXPECT_EQ(flags.visibility, "shared");
}

TEST(OpenStackAuthFlags, NothingGivenIsEmpty) {
  OpenStackAuthFlags flags;
  auto auth = OpenStackAuthFrom(flags, [](const char*) -> const char* { return nullptr; });
  EXPECT_EQ(auth.ByteSizeLong(), 0u);
}

}  // namespace
}  // namespace boxcar::cli
