// ContainerCgroup with Docker's finer knobs (cgroups/cgroup_tuning.h) on this host's real
// hierarchies: memory+swap, the soft limit, swappiness, the OOM killer switch, the CFS period
// and quota and the block I/O weight reach their files at Create and change with UpdateLimits;
// bad values are refused before any directory is made.
#include "cgroups/cgroup_tuning.h"
#include "container_cgroup_fixture.h"

namespace boxcar {
namespace {

class ContainerCgroupTuningTest : public ContainerCgroupTest {
 protected:
  bool MemoryIsV1() const { return layout_.mode != CgroupMode::kV2; }
  std::string MemoryDir(const std::string& name) const {
    return Dir(MemoryIsV1() ? layout_.v1_mounts.at("memory") : layout_.unified_mount, name);
  }
  std::string CpuDir(const std::string& name) const {
    return Dir(MemoryIsV1() ? layout_.v1_mounts.at("cpu") : layout_.unified_mount, name);
  }
};

TEST_F(ContainerCgroupTuningTest, MemorySwapAndReservationAtCreateAndUpdate) {
  CgroupLimits limits{.memory_bytes = 32 * kMiB};
  limits.memory_swap_bytes = 64 * kMiB;
  limits.memory_reservation_bytes = 16 * kMiB;
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", limits);
  const std::string memsw = MemoryDir("c1") + "/memory.memsw.limit_in_bytes";
  const std::string swap_max = MemoryDir("c1") + "/memory.swap.max";
  if (!cgroup.ok() && !Exists(MemoryIsV1() ? memsw : swap_max)) {
    EXPECT_TRUE(Contains(cgroup.status().message(), "limits.memory_swap_bytes"))
        << cgroup.status().message();
    GTEST_SKIP() << "no swap accounting on this kernel: " << cgroup.status().message();
  }
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  if (MemoryIsV1()) {
    EXPECT_EQ(ReadTrimmed(memsw), std::to_string(64 * kMiB));
    EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.soft_limit_in_bytes"),
              std::to_string(16 * kMiB));
  } else {
    EXPECT_EQ(ReadTrimmed(swap_max), std::to_string(32 * kMiB));
    EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.low"), std::to_string(16 * kMiB));
  }
  // Memory and swap both below the current limit: the limit must go first on v1.
  CgroupLimitsUpdate lower{.memory_bytes = 8 * kMiB};
  lower.memory_swap_bytes = 12 * kMiB;
  lower.memory_reservation_bytes = 0;
  ASSERT_TRUE(cgroup->UpdateLimits(lower).ok());
  if (MemoryIsV1()) {
    EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.limit_in_bytes"), std::to_string(8 * kMiB));
    EXPECT_EQ(ReadTrimmed(memsw), std::to_string(12 * kMiB));
    // The root's soft limit is the unlimited one.
    EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.soft_limit_in_bytes"),
              ReadTrimmed(layout_.v1_mounts.at("memory") + "/memory.soft_limit_in_bytes"))
        << "0 gives the unlimited soft limit back";
  } else {
    EXPECT_EQ(ReadTrimmed(swap_max), std::to_string(4 * kMiB));
    EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.low"), "0");
  }
  // Both above: memsw must go first on v1.
  CgroupLimitsUpdate raise{.memory_bytes = 128 * kMiB};
  raise.memory_swap_bytes = 256 * kMiB;
  ASSERT_TRUE(cgroup->UpdateLimits(raise).ok());
  EXPECT_EQ(ReadTrimmed(MemoryIsV1() ? memsw : swap_max),
            std::to_string((MemoryIsV1() ? 256 : 128) * kMiB));
  CgroupLimitsUpdate unlimited{.memory_bytes = 128 * kMiB};
  unlimited.memory_swap_bytes = -1;
  ASSERT_TRUE(cgroup->UpdateLimits(unlimited).ok());
  EXPECT_EQ(ReadTrimmed(MemoryIsV1() ? memsw : swap_max),
            MemoryIsV1()
                ? ReadTrimmed(layout_.v1_mounts.at("memory") + "/memory.memsw.limit_in_bytes")
                : "max");
}

TEST_F(ContainerCgroupTuningTest, CpuPeriodAndQuota) {
  CgroupLimits limits;
  limits.cpu_period_us = 50000;
  limits.cpu_quota_us = 25000;
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", limits);
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  if (layout_.mode == CgroupMode::kV2) {
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.max"), "25000 50000");
  } else {
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.cfs_period_us"), "50000");
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.cfs_quota_us"), "25000");
  }
  CgroupLimitsUpdate update;
  update.cpu_period_us = 200000;
  update.cpu_quota_us = -1;
  ASSERT_TRUE(cgroup->UpdateLimits(update).ok());
  if (layout_.mode == CgroupMode::kV2) {
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.max"), "max 200000");
  } else {
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.cfs_period_us"), "200000");
    EXPECT_EQ(ReadTrimmed(CpuDir("c1") + "/cpu.cfs_quota_us"), "-1");
  }
}

TEST_F(ContainerCgroupTuningTest, SwappinessAndOomKillDisableOnV1Only) {
  CgroupLimits limits{.memory_bytes = 32 * kMiB};
  limits.memory_swappiness = 7;
  limits.oom_kill_disable = true;
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", limits);
  if (!MemoryIsV1()) {
    ASSERT_FALSE(cgroup.ok());
    EXPECT_TRUE(Contains(cgroup.status().message(), "limits.memory_swappiness"));
    EXPECT_FALSE(Exists(layout_.unified_mount + "/" + parent_ + "/c1"));
    return;
  }
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  EXPECT_EQ(ReadTrimmed(MemoryDir("c1") + "/memory.swappiness"), "7");
  EXPECT_TRUE(Contains(ReadTrimmed(MemoryDir("c1") + "/memory.oom_control"), "oom_kill_disable 1"));
}

TEST_F(ContainerCgroupTuningTest, BlkioWeightOrAClearRefusal) {
  CgroupLimits limits;
  limits.blkio_weight = 300;
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", limits);
  if (!cgroup.ok()) {
    EXPECT_EQ(cgroup.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_TRUE(Contains(cgroup.status().message(), "limits.blkio_weight"))
        << cgroup.status().message();
    for (const std::string& mount : AllCgroupMounts()) {
      EXPECT_FALSE(Exists(mount + "/" + parent_ + "/c1")) << "nothing made in " << mount;
    }
    GTEST_SKIP() << "this host's I/O scheduler offers no weight file: "
                 << cgroup.status().message();
  }
  const std::string dir =
      Dir(layout_.mode == CgroupMode::kV2 ? layout_.unified_mount : layout_.v1_mounts.at("blkio"),
          "c1");
  std::string weight;
  for (const char* file : {"blkio.weight", "blkio.bfq.weight", "io.weight", "io.bfq.weight"}) {
    if (Exists(dir + "/" + file)) weight += ReadTrimmed(dir + "/" + file);
  }
  EXPECT_TRUE(Contains(weight, "300")) << weight;
}

TEST_F(ContainerCgroupTuningTest, BadValuesMakeNothing) {
  struct Case {
    CgroupLimits limits;
    std::string field;
  };
  std::vector<Case> cases(6);
  cases[0].limits.memory_swap_bytes = 64 * kMiB;  // without memory
  cases[0].field = "limits.memory_swap_bytes";
  cases[1].limits.memory_bytes = 64 * kMiB;
  cases[1].limits.memory_swap_bytes = 32 * kMiB;  // below memory
  cases[1].field = "limits.memory_swap_bytes";
  cases[2].limits.memory_bytes = 64 * kMiB;
  cases[2].limits.memory_reservation_bytes = 128 * kMiB;
  cases[2].field = "limits.memory_reservation_bytes";
  cases[3].limits.blkio_weight = 1001;
  cases[3].field = "limits.blkio_weight";
  cases[4].limits.cpu_millis = 500;
  cases[4].limits.cpu_quota_us = 50000;
  cases[4].field = "limits.cpu_quota_us";
  cases[5].limits.cpu_period_us = 999;
  cases[5].field = "limits.cpu_period_us";
  for (const Case& bad : cases) {
    auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", bad.limits);
    ASSERT_FALSE(cgroup.ok()) << bad.field;
    EXPECT_EQ(cgroup.status().code(), StatusCode::kInvalidArgument) << bad.field;
    EXPECT_TRUE(Contains(cgroup.status().message(), bad.field)) << cgroup.status().message();
  }
  for (const std::string& mount : AllCgroupMounts()) {
    EXPECT_FALSE(Exists(mount + "/" + parent_)) << "nothing made in " << mount;
  }
}

}  // namespace
}  // namespace boxcar
