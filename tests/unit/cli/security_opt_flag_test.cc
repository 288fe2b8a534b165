#include "cli/security_opt_flag.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace boxcar::cli {
namespace {

TEST(SecurityOptFlagTest, ASeccompFileGoesAsItsText) {
  char name[] = "/tmp/boxcar-seccomp-XXXXXX";
  int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(name) << R"({"defaultAction": "SCMP_ACT_ALLOW"})";
  auto option = SecurityOptForSpec(std::string("seccomp=") + name, 0);
  ::unlink(name);
  ASSERT_TRUE(option.ok()) << option.status().message();
  EXPECT_EQ(*option, R"(seccomp={"defaultAction": "SCMP_ACT_ALLOW"})");
}

TEST(SecurityOptFlagTest, OtherOptionsGoAsGiven) {
  for (const char* flag : {"seccomp=unconfined", "seccomp=builtin", "no-new-privileges",
                           "label=disable", "seccomp={\"defaultAction\":\"SCMP_ACT_LOG\"}"}) {
    EXPECT_EQ(*SecurityOptForSpec(flag, 0), flag);
  }
}

TEST(SecurityOptFlagTest, AnUnreadableProfileNamesTheField) {
  auto option = SecurityOptForSpec("seccomp=/nonexistent/profile.json", 2);
  ASSERT_FALSE(option.ok());
  EXPECT_NE(
      option.status().message().find(
          "spec.security_opt[2]: cannot read the seccomp profile '/nonexistent/profile.json'"),
      std::string::npos)
      << option.status().message();
}

}  // namespace
}  // namespace boxcar::cli
