#include "cli/device_flag.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(DeviceFlagTest, SplitsAsDockerDoes) {
  auto host_only = ParseDeviceFlag("/dev/loop3");
  ASSERT_TRUE(host_only.ok()) << host_only.status().message();
  EXPECT_EQ(host_only->host_path(), "/dev/loop3");
  EXPECT_EQ(host_only->container_path(), "") << "the agent uses the host path";
  EXPECT_EQ(host_only->permissions(), "") << "the agent uses rwm";

  auto renamed = ParseDeviceFlag("/dev/loop3:/dev/xvdc");
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->container_path(), "/dev/xvdc");
  EXPECT_EQ(renamed->permissions(), "");

  // A second part of r, w and m is the permissions, not a path.
  auto permissions_only = ParseDeviceFlag("/dev/loop3:rw");
  ASSERT_TRUE(permissions_only.ok());
  EXPECT_EQ(permissions_only->container_path(), "");
  EXPECT_EQ(permissions_only->permissions(), "rw");

  auto full = ParseDeviceFlag("/dev/loop3:/dev/xvdc:r");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->host_path(), "/dev/loop3");
  EXPECT_EQ(full->container_path(), "/dev/xvdc");
  EXPECT_EQ(full->permissions(), "r");

  // What the agent refuses naming spec.devices[i] goes through as given.
  auto bad_permissions = ParseDeviceFlag("/dev/loop3:/dev/xvdc:rwx");
  ASSERT_TRUE(bad_permissions.ok());
  EXPECT_EQ(bad_permissions->permissions(), "rwx");
  auto relative = ParseDeviceFlag("/dev/loop3:xvdc");
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->container_path(), "xvdc");
}

TEST(DeviceFlagTest, RefusesWhatIsNoMapping) {
  for (const char* text : {"", ":/dev/xvdc", "/dev/a:/dev/b:rw:extra"}) {
    auto parsed = ParseDeviceFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find("--device"), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace boxcar::cli
