#include "core/container_sysctls.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

v1::ContainerSpec WithSysctl(const std::string& key, const std::string& value) {
  v1::ContainerSpec spec;
  (*spec.mutable_sysctls())[key] = value;
  return spec;
}

TEST(ContainerSysctlsTest, DockersNamespacedKeysAreAccepted) {
  for (const char* key :
       {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
        "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "fs.mqueue.msg_max",
        "fs/mqueue/queues_max", "net.ipv4.ip_forward", "net/ipv4/conf/eth0.100/forwarding",
        "net.ipv4.conf.eth0.rp_filter"}) {
    Status status = ValidateSysctlsAndShmSize(WithSysctl(key, "1"));
    EXPECT_TRUE(status.ok()) << key << ": " << status.message();
  }
}

TEST(ContainerSysctlsTest, OtherKeysAreRefusedNamingTheField) {
  for (const char* key :
       {"vm.swappiness", "kernel.hostname", "kernel.shmmaxx", "kernel", "fs.mqueue", "fs.file-max",
        "net", "netfilter.x", "net/../vm/swappiness", "kernel/msgmax/../../vm/x"}) {
    Status status = ValidateSysctlsAndShmSize(WithSysctl(key, "1"));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << key;
    EXPECT_NE(status.message().find(std::string("spec.sysctls[") + key + "]"), std::string::npos)
        << status.message();
  }
  Status not_namespaced = ValidateSysctlsAndShmSize(WithSysctl("vm.swappiness", "10"));
  EXPECT_NE(not_namespaced.message().find("not namespaced"), std::string::npos)
      << not_namespaced.message();
}

TEST(ContainerSysctlsTest, EmptyValuesAndLineBreaksAreRefused) {
  for (const char* value : {"", "1\n2"}) {
    Status status = ValidateSysctlsAndShmSize(WithSysctl("kernel.shmmax", value));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << value;
    EXPECT_NE(status.message().find("spec.sysctls[kernel.shmmax]"), std::string::npos);
  }
  EXPECT_FALSE(ValidateSysctlsAndShmSize(WithSysctl("net.ipv4.ip_forward ", "1")).ok());
  EXPECT_FALSE(ValidateSysctlsAndShmSize(WithSysctl("net.a=b", "1")).ok());
}

TEST(ContainerSysctlsTest, NetKeysAreRefusedOnTheHostsNetworkOnly) {
  v1::ContainerSpec spec = WithSysctl("kernel.shmmax", "1");
  EXPECT_TRUE(RefuseNetSysctlsOnHostNetwork(spec).ok());
  (*spec.mutable_sysctls())["net.ipv4.ip_forward"] = "1";
  Status refused = RefuseNetSysctlsOnHostNetwork(spec);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("spec.sysctls[net.ipv4.ip_forward]"), std::string::npos);
  EXPECT_NE(refused.message().find("host's network namespace"), std::string::npos)
      << refused.message();
}

TEST(ContainerSysctlsTest, ShmSizeIsZeroOrAtLeastAPage) {
  v1::ContainerSpec spec;
  EXPECT_TRUE(ValidateSysctlsAndShmSize(spec).ok());
  spec.set_shm_size_bytes(4096);
  EXPECT_TRUE(ValidateSysctlsAndShmSize(spec).ok());
  spec.set_shm_size_bytes(100);
  Status refused = ValidateSysctlsAndShmSize(spec);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("spec.shm_size_bytes"), std::string::npos);
}

TEST(ContainerSysctlsTest, LaunchSettingsAreKeyEqualsValueInKeyOrder) {
  v1::ContainerSpec spec = WithSysctl("net.ipv4.ip_forward", "1");
  (*spec.mutable_sysctls())["kernel.sem"] = "250 32000 32 128";
  EXPECT_EQ(SysctlLaunchSettings(spec),
            (std::vector<std::string>{"kernel.sem=250 32000 32 128", "net.ipv4.ip_forward=1"}));
  EXPECT_TRUE(SysctlLaunchSettings(v1::ContainerSpec()).empty());
}

}  // namespace
}  // namespace boxcar
