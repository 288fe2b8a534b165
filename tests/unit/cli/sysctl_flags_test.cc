#include "cli/sysctl_flags.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(SysctlFlagsTest, KeyValuePairsAndASizeGoIntoTheSpec) {
  v1::ContainerSpec spec;
  Status applied = ApplySysctlFlags({"kernel.sem=250 32000 32 128", "net.ipv4.ip_forward=0",
                                     "net.ipv4.ip_forward=1", "fs.mqueue.msg_max="},
                                    "128m", &spec);
  ASSERT_TRUE(applied.ok()) << applied.message();
  EXPECT_EQ(spec.sysctls().at("kernel.sem"), "250 32000 32 128");
  EXPECT_EQ(spec.sysctls().at("net.ipv4.ip_forward"), "1") << "the last value wins";
  EXPECT_EQ(spec.sysctls().at("fs.mqueue.msg_max"), "") << "the agent refuses it, naming it";
  EXPECT_EQ(spec.shm_size_bytes(), 128ull << 20);
  v1::ContainerSpec plain;
  ASSERT_TRUE(ApplySysctlFlags({}, "", &plain).ok());
  EXPECT_EQ(plain.shm_size_bytes(), 0u) << "the default, 64m, is the agent's";
}

TEST(SysctlFlagsTest, MalformedFlagsAreRefusedNamingTheFlag) {
  v1::ContainerSpec spec;
  for (const char* text : {"kernel.shmmax", "=1"}) {
    Status refused = ApplySysctlFlags({text}, "", &spec);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(refused.message().find("--sysctl"), std::string::npos) << refused.message();
  }
  for (const char* size : {"1q", "-1", "big"}) {
    Status refused = ApplySysctlFlags({}, size, &spec);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << size;
    EXPECT_NE(refused.message().find("--shm-size"), std::string::npos) << refused.message();
  }
}

}  // namespace
}  // namespace boxcar::cli
