// ContainerCgroup's cpuset against the host's real cgroups (needs root): on v1 the cpuset
// directory exists only for a container given a set, its ancestors get their parent's CPUs and
// nodes so a task can join, the task's affinity follows, update makes one for a container that
// had none and moves its processes, and removal through a plain Open handle leaves nothing.
#include <gtest/gtest.h>
#include <sched.h>

#include <string>

#include "cgroups/container_cgroup.h"
#include "container_cgroup_fixture.h"

namespace boxcar {
namespace {

class ContainerCgroupCpusetTest : public ContainerCgroupTest {
 protected:
  void SetUp() override {
    ContainerCgroupTest::SetUp();
    if (IsSkipped()) return;
    if (layout_.mode == CgroupMode::kV2 || layout_.v1_mounts.count("cpuset") == 0)
      GTEST_SKIP() << "no cgroup v1 cpuset hierarchy here";
    if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
    cpuset_ = layout_.v1_mounts.at("cpuset");
  }

  // The CPUs `pid` may run on, as "0-1" would list them: a bit per CPU.
  static unsigned AffinityMask(pid_t pid) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(pid, sizeof set, &set) != 0) return 0;
    unsigned mask = 0;
    for (int cpu = 0; cpu < 32; ++cpu) mask |= CPU_ISSET(cpu, &set) ? 1u << cpu : 0;
    return mask;
  }

  std::string cpuset_;
};

TEST_F(ContainerCgroupCpusetTest, ACpusetCgroupIsMadeOnlyWhenAsked) {
  auto plain = ContainerCgroup::Create(layout_, parent_, "plain", CgroupLimits{.pids_max = 10});
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(Exists(cpuset_ + "/" + parent_)) << "not even the parent";

  CgroupLimits limits;
  limits.cpuset_cpus = "1";
  auto pinned = ContainerCgroup::Create(layout_, parent_, "pinned", limits);
  ASSERT_TRUE(pinned.ok()) << pinned.status().message();
  const std::string dir = cpuset_ + "/" + parent_ + "/pinned";
  EXPECT_EQ(ReadTrimmed(dir + "/cpuset.cpus"), "1");
  EXPECT_EQ(ReadTrimmed(dir + "/cpuset.mems"), ReadTrimmed(cpuset_ + "/cpuset.mems"))
      << "the nodes came down from the root";
  EXPECT_EQ(ReadTrimmed(cpuset_ + "/" + parent_ + "/cpuset.cpus"),
            ReadTrimmed(cpuset_ + "/cpuset.cpus"));
  pid_t child = ForkSleeperInCgroup(*pinned);
  ASSERT_GT(child, 0) << "a task could join";
  EXPECT_EQ(AffinityMask(child), 2u);

  ContainerCgroup opened = ContainerCgroup::Open(layout_, parent_, "pinned");
  ASSERT_TRUE(opened.KillAll().ok());
  ASSERT_TRUE(opened.Remove().ok());
  EXPECT_FALSE(Exists(dir)) << "removed through a handle that did not make it";
  ASSERT_TRUE(plain->Remove().ok());
  ASSERT_TRUE(RemoveCgroupParentIfEmpty(layout_, parent_).ok());
  EXPECT_FALSE(Exists(cpuset_ + "/" + parent_));
}

TEST_F(ContainerCgroupCpusetTest, UpdateMovesAContainerThatHadNoCpuset) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.pids_max = 10});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);
  EXPECT_EQ(AffinityMask(child), 3u);
  CgroupLimitsUpdate update;
  update.cpuset_cpus = "0";
  Status updated = ContainerCgroup::Open(layout_, parent_, "c1").UpdateLimits(update);
  ASSERT_TRUE(updated.ok()) << updated.message();
  EXPECT_EQ(AffinityMask(child), 1u);
  update.cpuset_cpus = "";
  ASSERT_TRUE(ContainerCgroup::Open(layout_, parent_, "c1").UpdateLimits(update).ok());
  EXPECT_EQ(AffinityMask(child), 3u) << "\"\" is every CPU of the parent";
  ContainerCgroup opened = ContainerCgroup::Open(layout_, parent_, "c1");
  ASSERT_TRUE(opened.KillAll().ok());
  ASSERT_TRUE(opened.Remove().ok());
  EXPECT_FALSE(Exists(cpuset_ + "/" + parent_ + "/c1"));
}

}  // namespace
}  // namespace boxcar
