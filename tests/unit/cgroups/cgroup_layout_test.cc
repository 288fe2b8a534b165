// CgroupLayout: which hierarchies a host has, parsed from mountinfo texts of the three kinds
// of host (the sample texts are inputs, copied from real machines).
#include "cgroups/cgroup_layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace boxcar {
namespace {

// A read_file seam that records which files were asked for.
struct FakeCgroupFiles {
  explicit FakeCgroupFiles(std::string controllers_text = "", bool is_readable = true)
      : controllers(std::move(controllers_text)), readable(is_readable) {}

  std::string controllers;
  bool readable;
  std::vector<std::string> reads;

  std::function<StatusOr<std::string>(const std::string&)> Reader() {
    return [this](const std::string& path) -> StatusOr<std::string> {
      reads.push_back(path);
      if (!readable) return NotFound("open '" + path + "': No such file or directory");
      return controllers;
    };
  }
};

// Debian 12 with cgroup_no_v1 unset and systemd.unified_cgroup_hierarchy=0, the layout of the
// build machines: every v1 controller on its own mount (cpu and cpuacct separate), a named
// systemd hierarchy and a controller-less cgroup2 mount.
constexpr const char* kHybridSeparateCpu =
    "23 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// systemd's hybrid layout: optional fields (shared:N) and co-mounted cpu,cpuacct.
constexpr const char* kHybridSystemd =
    "30 22 0:26 / /sys/fs/cgroup ro,nosuid shared:4 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:5 - cgroup2 cgroup2 rw,nsdelegate\n"
    "32 30 0:28 / /sys/fs/cgroup/systemd rw shared:6 - cgroup cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory\n"
    "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw shared:10 - cgroup cgroup rw,cpu,cpuacct\n"
    "37 30 0:33 / /sys/fs/cgroup/pids rw shared:11 - cgroup cgroup rw,pids\n"
    "38 30 0:34 / /sys/fs/cgroup/net_cls,net_prio rw shared:12 - cgroup cgroup "
    "rw,net_cls,net_prio\n";

// CentOS 7 style: v1 only, no cgroup2 anywhere.
constexpr const char* kV1Only =
    "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
    "25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid shared:9 - cgroup cgroup "
    "rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "27 24 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup "
    "rw,cpuacct,cpu\n"
    "28 24 0:24 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory\n"
    "29 24 0:25 / /sys/fs/cgroup/pids rw,nosuid shared:12 - cgroup cgroup rw,pids\n"
    "30 24 0:26 / /sys/fs/cgroup/freezer rw,nosuid shared:13 - cgroup cgroup rw,freezer\n";

// Debian 12 / Fedora default: one cgroup2 mount with every controller.
constexpr const char* kPureV2 =
    "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

TEST(CgroupLayoutTest, HybridLikeTheBuildMachines) {
  FakeCgroupFiles files("hugetlb\n");
  auto layout = CgroupLayout::FromMountInfo(kHybridSeparateCpu, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->mode, CgroupMode::kHybrid);
  EXPECT_EQ(layout->ModeName(), "hybrid");
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(layout->v2_controllers, std::set<std::string>{"hugetlb"});
  EXPECT_EQ(files.reads, std::vector<std::string>{"/sys/fs/cgroup/unified/cgroup.controllers"});
  std::map<std::string, std::string> expected = {
      {"blkio", "/sys/fs/cgroup/blkio"},     {"cpu", "/sys/fs/cgroup/cpu"},
      {"cpuacct", "/sys/fs/cgroup/cpuacct"}, {"cpuset", "/sys/fs/cgroup/cpuset"},
      {"devices", "/sys/fs/cgroup/devices"}, {"freezer", "/sys/fs/cgroup/freezer"},
      {"memory", "/sys/fs/cgroup/memory"},   {"pids", "/sys/fs/cgroup/pids"}};
  EXPECT_EQ(layout->v1_mounts, expected) << "name=systemd controls nothing and is left out";
}

TEST(CgroupLayoutTest, HybridWithCoMountedControllers) {
  FakeCgroupFiles files("");
  auto layout = CgroupLayout::FromMountInfo(kHybridSystemd, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->ModeName(), "hybrid");
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup/unified");
  EXPECT_TRUE(layout->v2_controllers.empty());
  EXPECT_EQ(layout->v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1_mounts.at("net_cls"), "/sys/fs/cgroup/net_cls,net_prio");
  EXPECT_EQ(layout->v1_mounts.at("net_prio"), "/sys/fs/cgroup/net_cls,net_prio");
  EXPECT_EQ(layout->v1_mounts.count("systemd"), 0u);
  EXPECT_EQ(layout->v1_mounts.count("name=systemd"), 0u);
  EXPECT_EQ(layout->v1_mounts.count("xattr"), 0u) << "mount options are not controllers";
  EXPECT_EQ(layout->v1_mounts.count("rw"), 0u);
}

TEST(CgroupLayoutTest, HybridIgnoresAnUnreadableUnifiedRoot) {
  FakeCgroupFiles files("", /*readable=*/false);
  auto layout = CgroupLayout::FromMountInfo(kHybridSeparateCpu, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->ModeName(), "hybrid");
  EXPECT_TRUE(layout->v2_controllers.empty());
}

TEST(CgroupLayoutTest, V1Only) {
  FakeCgroupFiles files;
  auto layout = CgroupLayout::FromMountInfo(kV1Only, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->mode, CgroupMode::kV1);
  EXPECT_EQ(layout->ModeName(), "v1");
  EXPECT_TRUE(layout->unified_mount.empty());
  EXPECT_TRUE(layout->v2_controllers.empty());
  EXPECT_TRUE(files.reads.empty()) << "no cgroup2 mount, nothing to read";
  std::map<std::string, std::string> expected = {{"cpu", "/sys/fs/cgroup/cpu,cpuacct"},
                                                 {"cpuacct", "/sys/fs/cgroup/cpu,cpuacct"},
                                                 {"freezer", "/sys/fs/cgroup/freezer"},
                                                 {"memory", "/sys/fs/cgroup/memory"},
                                                 {"pids", "/sys/fs/cgroup/pids"}};
  EXPECT_EQ(layout->v1_mounts, expected);
}

TEST(CgroupLayoutTest, PureV2ReadsItsControllers) {
  FakeCgroupFiles files("cpuset cpu io memory hugetlb pids rdma misc\n");
  auto layout = CgroupLayout::FromMountInfo(kPureV2, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->mode, CgroupMode::kV2);
  EXPECT_EQ(layout->ModeName(), "v2");
  EXPECT_TRUE(layout->v1_mounts.empty());
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup");
  EXPECT_EQ(files.reads, std::vector<std::string>{"/sys/fs/cgroup/cgroup.controllers"});
  EXPECT_EQ(layout->v2_controllers, (std::set<std::string>{"cpuset", "cpu", "io", "memory",
                                                           "hugetlb", "pids", "rdma", "misc"}));
}

TEST(CgroupLayoutTest, PureV2FailsWhenItsControllersAreUnreadable) {
  FakeCgroupFiles files("", /*readable=*/false);
  auto layout = CgroupLayout::FromMountInfo(kPureV2, files.Reader());
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.status().message().find("/sys/fs/cgroup/cgroup.controllers"), std::string::npos)
      << layout.status().message();
}

TEST(CgroupLayoutTest, V2WithAStrayV1NetClsMountIsStillV2) {
  std::string mountinfo = std::string(kPureV2) +
                          "40 25 0:40 / /run/netcls rw,relatime - cgroup cgroup rw,net_cls\n"
                          "41 25 0:41 / /run/named rw,relatime - cgroup none rw,name=foo\n";
  FakeCgroupFiles files("cpu memory pids\n");
  auto layout = CgroupLayout::FromMountInfo(mountinfo, files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->ModeName(), "v2") << "memory, cpu and pids are controlled by cgroup2";
  EXPECT_EQ(layout->v1_mounts.at("net_cls"), "/run/netcls");
  EXPECT_EQ(layout->v1_mounts.size(), 1u);
}

TEST(CgroupLayoutTest, OnlyANamedHierarchyIsNoCgroupSupport) {
  FakeCgroupFiles files;
  auto layout = CgroupLayout::FromMountInfo(
      "32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n",
      files.Reader());
  EXPECT_EQ(layout.status().code(), StatusCode::kFailedPrecondition);
}

TEST(CgroupLayoutTest, NoCgroupMountsAtAll) {
  FakeCgroupFiles files;
  auto layout = CgroupLayout::FromMountInfo(
      "1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
      "2 1 0:5 / /proc rw - proc proc rw\n",
      files.Reader());
  EXPECT_EQ(layout.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(layout.status().message().find("/proc/self/mountinfo"), std::string::npos);
}

TEST(CgroupLayoutTest, EmptyAndMalformedLinesAreSkipped) {
  FakeCgroupFiles files("memory\n");
  auto layout = CgroupLayout::FromMountInfo(
      "\n"
      "garbage without separator\n"
      "1 2 - cgroup\n"
      "25 22 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
      files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->ModeName(), "v2");
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup");
}

TEST(CgroupLayoutTest, EscapedMountPointsAreUnescaped) {
  FakeCgroupFiles files;
  auto layout = CgroupLayout::FromMountInfo(
      "35 30 0:31 / /mnt/my\\040cgroups/memory rw - cgroup cgroup rw,memory\n", files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->v1_mounts.at("memory"), "/mnt/my cgroups/memory");
}

TEST(CgroupLayoutTest, FirstCgroup2MountWins) {
  FakeCgroupFiles files("memory\n");
  auto layout = CgroupLayout::FromMountInfo(
      std::string(kPureV2) + "60 25 0:23 /sub /var/lib/x rw - cgroup2 cgroup2 rw\n",
      files.Reader());
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->unified_mount, "/sys/fs/cgroup");
}

TEST(CgroupLayoutTest, DetectReadsThisHost) {
  auto layout = CgroupLayout::Detect();
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_TRUE(layout->ModeName() == "v1" || layout->ModeName() == "v2" ||
              layout->ModeName() == "hybrid");
  if (layout->mode != CgroupMode::kV2) {
    EXPECT_EQ(layout->v1_mounts.count("memory"), 1u);
  }
  if (layout->mode != CgroupMode::kV1) {
    EXPECT_FALSE(layout->unified_mount.empty());
  }
}

}  // namespace
}  // namespace boxcar
