#include "cgroups/cgroup_layout.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

StatusOr<std::string> Controllers(const std::string& text) { return text; }

constexpr const char* kHybrid =
    "30 22 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:6 - cgroup2 cgroup2 rw,nsdelegate\n"
    "32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "37 30 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";

TEST(CgroupLayoutTest, HybridHasV1ControllersAndAUnifiedMount) {
  auto layout = CgroupLayout::FromMountInfo(kHybrid, [](const std::string&) { return Controllers("hugetlb\n"); });
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->ModeName(), "hybrid");
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(layout->v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(layout->v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1_mounts.count("systemd"), 0u) << "named hierarchies control nothing";
  EXPECT_EQ(layout->v2_controllers, std::set<std::string>{"hugetlb"});
}

TEST(CgroupLayoutTest, PureV2ReadsItsControllers) {
  auto layout = CgroupLayout::FromMountInfo(
      "25 22 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n",
      [](const std::string& path) {
        EXPECT_EQ(path, "/sys/fs/cgroup/cgroup.controllers");
        return Controllers("cpuset cpu io memory hugetlb pids rdma misc\n");
      });
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->ModeName(), "v2");
  EXPECT_TRUE(layout->v1_mounts.empty());
  EXPECT_EQ(layout->v2_controllers.count("memory"), 1u);
  EXPECT_EQ(layout->v2_controllers.count("pids"), 1u);
}

TEST(CgroupLayoutTest, V1OnlyAndNone) {
  auto v1 = CgroupLayout::FromMountInfo("35 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
                                        [](const std::string&) { return Controllers(""); });
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->ModeName(), "v1");
  auto none = CgroupLayout::FromMountInfo("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n",
                                          [](const std::string&) { return Controllers(""); });
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace boxcar
