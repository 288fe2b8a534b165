#include "core/flavor_limits.h"

#include <gtest/gtest.h>

namespace boxcar::nova {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

HostCapacity TwoCpuHost() {
  HostCapacity host;
  host.cpus = 2;
  host.memory_bytes = 8192 * kMiB;
  host.disk_bytes = 100ull * 1024 * kMiB;
  return host;
}

FlavorRequest Flavor(uint64_t memory_mb, uint32_t vcpus) {
  FlavorRequest flavor;
  flavor.name = "m1.test";
  flavor.memory_mb = memory_mb;
  flavor.vcpus = vcpus;
  flavor.root_gb = 1;
  return flavor;
}

TEST(FlavorLimitsTest, MemoryAndVcpusBecomeCgroupLimits) {
  auto limits = LimitsForFlavor(Flavor(512, 1), TwoCpuHost());
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  EXPECT_EQ(limits->memory_bytes(), 512 * kMiB);
  EXPECT_EQ(limits->cpu_millis(), 1000u);
  EXPECT_EQ(limits->block_devices_size(), 0);
}

TEST(FlavorLimitsTest, TheHostsPidsLimitHoldsUnlessTheFlavorSetsOne) {
  HostCapacity host = TwoCpuHost();
  EXPECT_EQ(LimitsForFlavor(Flavor(512, 1), host)->pids_max(), 0u);  // none configured
  host.pids_limit = 4096;
  EXPECT_EQ(LimitsForFlavor(Flavor(512, 1), host)->pids_max(), 4096u);
  FlavorRequest flavor = Flavor(512, 1);
  flavor.extra_specs = {{"boxcar:pids_limit", "100"}};
  EXPECT_EQ(LimitsForFlavor(flavor, host)->pids_max(), 100u);
  flavor.extra_specs = {{"boxcar:pids_limit", "0"}};  // this flavor: no limit
  EXPECT_EQ(LimitsForFlavor(flavor, host)->pids_max(), 0u);
  for (const char* bad : {"-1", "many", "10k"}) {
    flavor.extra_specs = {{"boxcar:pids_limit", bad}};
    auto refused = LimitsForFlavor(flavor, host);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(refused.status().message().find("boxcar:pids_limit"), std::string::npos)
        << refused.status().message();
  }
}

TEST(FlavorLimitsTest, MoreVcpusThanTheHostAreCappedNotRefused) {
  auto limits = LimitsForFlavor(Flavor(512, 8), TwoCpuHost());
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits->cpu_millis(), 2000u);
}

TEST(FlavorLimitsTest, CpuQuotaAndPeriodReplaceVcpus) {
  FlavorRequest flavor = Flavor(512, 2);
  flavor.extra_specs = {{"quota:cpu_quota", "25000"}, {"quota:cpu_period", "50000"}};
  auto limits = LimitsForFlavor(flavor, TwoCpuHost());
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  EXPECT_EQ(limits->cpu_millis(), 500u);

  flavor.extra_specs = {{"quota:cpu_quota", "20000"}};  // the default period: 100 ms
  EXPECT_EQ(LimitsForFlavor(flavor, TwoCpuHost())->cpu_millis(), 200u);
  flavor.extra_specs = {{"quota:cpu_quota", "-1"}};  // libvirt's "no limit"
  EXPECT_EQ(LimitsForFlavor(flavor, TwoCpuHost())->cpu_millis(), 0u);
}

TEST(FlavorLimitsTest, MalformedCpuSpecsNameTheKey) {
  FlavorRequest flavor = Flavor(512, 1);
  flavor.extra_specs = {{"quota:cpu_quota", "lots"}};
  auto bad = LimitsForFlavor(flavor, TwoCpuHost());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("quota:cpu_quota='lots'"), std::string::npos);
  flavor.extra_specs = {{"quota:cpu_period", "100000"}};
  EXPECT_NE(LimitsForFlavor(flavor, TwoCpuHost()).status().message().find("needs quota:cpu_quota"),
            std::string::npos);
  flavor.extra_specs = {{"quota:cpu_quota", "1000"}, {"quota:cpu_period", "0"}};
  EXPECT_EQ(LimitsForFlavor(flavor, TwoCpuHost()).status().code(), StatusCode::kInvalidArgument);
  flavor.extra_specs = {{"quota:cpu_quota", "100"}, {"quota:cpu_period", "100000"}};
  EXPECT_NE(LimitsForFlavor(flavor, TwoCpuHost()).status().message().find("at least 10"),
            std::string::npos);
}

TEST(FlavorLimitsTest, AFlavorLargerThanTheHostIsRefused) {
  auto too_big = LimitsForFlavor(Flavor(16384, 1), TwoCpuHost());
  EXPECT_EQ(too_big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(too_big.status().message().find("flavor 'm1.test': memory_mb 16384 is more than the "
                                            "host's 8192 MB"),
            std::string::npos)
      << too_big.status().message();
  FlavorRequest big_disk = Flavor(512, 1);
  big_disk.root_gb = 1000;
  EXPECT_EQ(LimitsForFlavor(big_disk, TwoCpuHost()).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(FlavorLimitsTest, WhatCgroupsCannotDoIsRefusedNamingTheSpec) {
  for (const char* key : {"quota:disk_total_iops_sec", "quota:disk_total_bytes_sec",
                          "quota:vif_inbound_average"}) {
    FlavorRequest flavor = Flavor(512, 1);
    flavor.extra_specs = {{key, "100"}};
    auto refused = LimitsForFlavor(flavor, TwoCpuHost());
    EXPECT_EQ(refused.status().code(), StatusCode::kUnimplemented) << key;
    EXPECT_NE(refused.status().message().find(key), std::string::npos)
        << refused.status().message();
  }
  FlavorRequest scheduler_only = Flavor(512, 1);
  scheduler_only.extra_specs = {{"hw:cpu_policy", "shared"}, {"trait:CUSTOM_X", "required"}};
  EXPECT_TRUE(LimitsForFlavor(scheduler_only, TwoCpuHost()).ok());
}

TEST(FlavorLimitsTest, CpuSharesBecomeTheRelativeWeight) {
  FlavorRequest flavor = Flavor(512, 1);
  flavor.extra_specs = {{"quota:cpu_shares", "2048"}};
  auto limits = LimitsForFlavor(flavor, TwoCpuHost());
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  EXPECT_EQ(limits->cpu_shares(), 2048u);
  EXPECT_EQ(limits->cpu_millis(), 1000u) << "the vcpus limit stays";
  for (const char* bad : {"1", "262145", "lots"}) {
    flavor.extra_specs = {{"quota:cpu_shares", bad}};
    auto refused = LimitsForFlavor(flavor, TwoCpuHost());
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(refused.status().message().find("quota:cpu_shares"), std::string::npos)
        << refused.status().message();
  }
}

TEST(FlavorLimitsTest, DiskBandwidthNeedsTheThrottleDevice) {
  FlavorRequest flavor = Flavor(512, 1);
  flavor.extra_specs = {{"quota:disk_read_bytes_sec", "10485760"},
                        {"quota:disk_write_bytes_sec", "1048576"}};
  auto refused = LimitsForFlavor(flavor, TwoCpuHost());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("[boxcar] throttle_device"), std::string::npos);

  HostCapacity host = TwoCpuHost();
  host.throttle_device = "/dev/vda";
  auto limits = LimitsForFlavor(flavor, host);
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  ASSERT_EQ(limits->block_devices_size(), 1);
  EXPECT_EQ(limits->block_devices(0).device(), "/dev/vda");
  EXPECT_EQ(limits->block_devices(0).read_bps(), 10485760u);
  EXPECT_EQ(limits->block_devices(0).write_bps(), 1048576u);
  EXPECT_EQ(limits->block_devices(0).read_iops(), 0u);
}

TEST(FlavorLimitsTest, DiskOperationRatesJoinTheBandwidthOfTheSameDevice) {
  HostCapacity host = TwoCpuHost();
  host.throttle_device = "/dev/vda";
  FlavorRequest flavor = Flavor(512, 1);
  flavor.extra_specs = {{"quota:disk_read_iops_sec", "500"},
                        {"quota:disk_write_iops_sec", "200"},
                        {"quota:disk_write_bytes_sec", "1048576"}};
  auto limits = LimitsForFlavor(flavor, host);
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  ASSERT_EQ(limits->block_devices_size(), 1);
  EXPECT_EQ(limits->block_devices(0).read_iops(), 500u);
  EXPECT_EQ(limits->block_devices(0).write_iops(), 200u);
  EXPECT_EQ(limits->block_devices(0).write_bps(), 1048576u);
  EXPECT_EQ(limits->block_devices(0).read_bps(), 0u);

  flavor.extra_specs = {{"quota:disk_read_iops_sec", "-1"}};
  auto negative = LimitsForFlavor(flavor, host);
  EXPECT_EQ(negative.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(negative.status().message().find("quota:disk_read_iops_sec"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::nova
