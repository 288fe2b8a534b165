#include "launch/sysctl_key.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

std::string PathOf(const std::string& key) {
  auto path = SysctlProcPath(key);
  return path.ok() ? *path : "error: " + path.status().message();
}

TEST(SysctlKeyTest, DotsOrSlashesSeparateAsSysctl8Reads) {
  EXPECT_EQ(PathOf("net.ipv4.ip_forward"), "net/ipv4/ip_forward");
  EXPECT_EQ(PathOf("net/ipv4/ip_forward"), "net/ipv4/ip_forward");
  // A dot in an interface's name: written as a slash in the dotted form, kept in the other.
  EXPECT_EQ(PathOf("net.ipv4.conf.eth0/100.forwarding"), "net/ipv4/conf/eth0.100/forwarding");
  EXPECT_EQ(PathOf("net/ipv4/conf/eth0.100/forwarding"), "net/ipv4/conf/eth0.100/forwarding");
  EXPECT_EQ(PathOf("kernel.shm_rmid_forced"), "kernel/shm_rmid_forced");
}

TEST(SysctlKeyTest, EmptyNamesAndParentsAreRefused) {
  for (const char* key : {"", "net..ipv4", "net.ipv4.", ".net", "net/../vm/swappiness",
                          "net/./ipv4", "net.ipv4.conf.eth0/../../../vm.x"}) {
    auto path = SysctlProcPath(key);
    EXPECT_FALSE(path.ok()) << key << " -> " << *path;
  }
}

TEST(SysctlKeyTest, ASettingSplitsAtTheFirstEquals) {
  SysctlSetting setting = SplitSysctlSetting("kernel.sem=250 32000 32 128");
  EXPECT_EQ(setting.key, "kernel.sem");
  EXPECT_EQ(setting.value, "250 32000 32 128");
  setting = SplitSysctlSetting("net.x=a=b");
  EXPECT_EQ(setting.key, "net.x");
  EXPECT_EQ(setting.value, "a=b");
}

}  // namespace
}  // namespace boxcar
