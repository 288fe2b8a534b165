// ContainerCgroup against the host's real cgroups (needs root): limits land in the files,
// processes join, the OOM killer and pids.max act, KillAll kills, freeze and stats work. Its
// life cycle (Remove, Open, parents, refusals) is in container_cgroup_lifecycle_test.cc.
#include "cgroups/container_cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "container_cgroup_fixture.h"

namespace boxcar {
namespace {

TEST_F(ContainerCgroupTest, CreatesTheHierarchiesAndAppliesLimits) {
  CgroupLimits limits{.memory_bytes = 64 * kMiB, .cpu_millis = 500, .pids_max = 32};
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", limits);
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();

  for (const std::string& dir : cgroup->directories()) EXPECT_TRUE(IsDirectory(dir)) << dir;
  std::vector<std::string> procs = cgroup->ProcsFiles();
  ASSERT_EQ(procs.size(), cgroup->directories().size());
  for (size_t i = 0; i < procs.size(); ++i) {
    EXPECT_EQ(procs[i], cgroup->directories()[i] + "/cgroup.procs");
    EXPECT_TRUE(Exists(procs[i])) << procs[i];
  }

  if (layout_.mode == CgroupMode::kV2) {
    std::string dir = Dir(layout_.unified_mount, "c1");
    EXPECT_EQ(cgroup->directories(), std::vector<std::string>{dir});
    EXPECT_EQ(ReadTrimmed(dir + "/memory.max"), std::to_string(64 * kMiB));
    if (Exists(dir + "/memory.swap.max")) {
      EXPECT_EQ(ReadTrimmed(dir + "/memory.swap.max"), "0");
    }
    EXPECT_EQ(ReadTrimmed(dir + "/cpu.max"), "50000 100000");
    EXPECT_EQ(ReadTrimmed(dir + "/pids.max"), "32");
    return;
  }

  for (const char* controller :
       {"memory", "cpu", "cpuacct", "pids", "freezer", "blkio", "devices"}) {
    auto mount = layout_.v1_mounts.find(controller);
    if (mount == layout_.v1_mounts.end()) continue;
    EXPECT_TRUE(IsDirectory(Dir(mount->second, "c1"))) << controller;
  }
  for (const char* unused : {"cpuset"}) {
    auto mount = layout_.v1_mounts.find(unused);
    if (mount == layout_.v1_mounts.end()) continue;
    if (mount->second == layout_.v1_mounts.at("memory")) continue;  // co-mounted
    EXPECT_FALSE(Exists(mount->second + "/" + parent_)) << unused << " must not be used";
  }
  if (layout_.mode == CgroupMode::kHybrid) {
    EXPECT_TRUE(IsDirectory(Dir(layout_.unified_mount, "c1"))) << "hybrid tracks in cgroup2";
    EXPECT_NE(
        std::find(procs.begin(), procs.end(), Dir(layout_.unified_mount, "c1") + "/cgroup.procs"),
        procs.end());
  }

  std::string memory = Dir(layout_.v1_mounts.at("memory"), "c1");
  EXPECT_EQ(ReadTrimmed(memory + "/memory.limit_in_bytes"), std::to_string(64 * kMiB));
  if (Exists(memory + "/memory.memsw.limit_in_bytes")) {
    EXPECT_EQ(ReadTrimmed(memory + "/memory.memsw.limit_in_bytes"), std::to_string(64 * kMiB));
  }
  std::string cpu = Dir(layout_.v1_mounts.at("cpu"), "c1");
  EXPECT_EQ(ReadTrimmed(cpu + "/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(ReadTrimmed(cpu + "/cpu.cfs_quota_us"), "50000");
  EXPECT_EQ(ReadTrimmed(Dir(layout_.v1_mounts.at("pids"), "c1") + "/pids.max"), "32");

  // Directories (and so the tracking cgroup) are the same for a handle opened later.
  EXPECT_EQ(ContainerCgroup::Open(layout_, parent_, "c1").directories(), cgroup->directories());
  EXPECT_TRUE(cgroup->Remove().ok());
}

TEST_F(ContainerCgroupTest, ZeroLimitsMeanUnlimited) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  if (layout_.mode == CgroupMode::kV2) {
    EXPECT_EQ(ReadTrimmed(Dir(layout_.unified_mount, "c1") + "/pids.max"), "max");
  } else {
    EXPECT_EQ(ReadTrimmed(Dir(layout_.v1_mounts.at("cpu"), "c1") + "/cpu.cfs_quota_us"), "-1");
    EXPECT_EQ(ReadTrimmed(Dir(layout_.v1_mounts.at("pids"), "c1") + "/pids.max"), "max");
  }
}

TEST_F(ContainerCgroupTest, ChildJoinsThroughProcsFiles) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  EXPECT_TRUE(cgroup->Pids().empty());
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);

  std::vector<pid_t> pids = cgroup->Pids();
  EXPECT_EQ(pids, std::vector<pid_t>{child});
  // The child is in our cgroup in every hierarchy, not only the one Pids() reads.
  for (const std::string& file : cgroup->ProcsFiles()) {
    EXPECT_EQ(ReadTrimmed(file), std::to_string(child)) << file;
  }
  EXPECT_FALSE(cgroup->OomKilled());

  ASSERT_TRUE(cgroup->KillAll().ok());
  EXPECT_TRUE(KilledBySigkill(WaitForExit(child, milliseconds(5000))));
}

TEST_F(ContainerCgroupTest, AddProcessMovesAnotherProcess) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkInCgroup({}, [] {
    SleepForever();
    return 0;
  });
  ASSERT_GT(child, 0);
  EXPECT_TRUE(cgroup->Pids().empty());

  Status added = cgroup->AddProcess(child);
  ASSERT_TRUE(added.ok()) << added.message();
  EXPECT_EQ(cgroup->Pids(), std::vector<pid_t>{child});

  Status missing = cgroup->AddProcess(999999999);
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.message(), "cgroup.procs")) << missing.message();
}

TEST_F(ContainerCgroupTest, AllocatingAboveTheMemoryLimitIsOomKilled) {
  auto cgroup =
      ContainerCgroup::Create(layout_, parent_, "oom", CgroupLimits{.memory_bytes = 16 * kMiB});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  EXPECT_FALSE(cgroup->OomKilled());

  pid_t child = ForkInCgroup(cgroup->ProcsFiles(), [] {
    constexpr size_t kBytes = 128 * kMiB;
    void* memory =
        ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return 2;
    char* bytes = static_cast<char*>(memory);
    for (size_t offset = 0; offset < kBytes; offset += 4096) bytes[offset] = 1;
    return 0;  // survived: the limit did not apply
  });
  ASSERT_GT(child, 0);
  std::optional<int> status = WaitForExit(child, milliseconds(10000));
  EXPECT_TRUE(KilledBySigkill(status)) << DescribeWaitStatus(status);
  EXPECT_TRUE(cgroup->OomKilled());
}

TEST_F(ContainerCgroupTest, PidsMaxMakesForkFailWithEagain) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "pids", CgroupLimits{.pids_max = 5});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();

  // Exit code: forks that succeeded * 16 + forks that failed with EAGAIN; 250 = other errors.
  pid_t child = ForkInCgroup(cgroup->ProcsFiles(), [] {
    std::vector<pid_t> grandchildren;
    int eagain = 0;
    bool other_error = false;
    for (int i = 0; i < 10; ++i) {
      pid_t pid = ::fork();
      if (pid == 0) {
        ::alarm(30);
        SleepForever();
      }
      if (pid > 0) {
        grandchildren.push_back(pid);
      } else if (errno == EAGAIN) {
        ++eagain;
      } else {
        other_error = true;
      }
    }
    for (pid_t pid : grandchildren) ::kill(pid, SIGKILL);
    for (pid_t pid : grandchildren) ::waitpid(pid, nullptr, 0);
    return other_error ? 250 : static_cast<int>(grandchildren.size()) * 16 + eagain;
  });
  ASSERT_GT(child, 0);
  std::optional<int> status = WaitForExit(child, milliseconds(10000));
  ASSERT_TRUE(status && WIFEXITED(*status)) << DescribeWaitStatus(status);
  int forked = WEXITSTATUS(*status) / 16;
  int eagain = WEXITSTATUS(*status) % 16;
  EXPECT_EQ(forked, 4) << "the child itself is the fifth task";
  EXPECT_EQ(eagain, 6);
}

TEST_F(ContainerCgroupTest, KillAllKillsASleepingChildAndItsChildren) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  ExpectKillAllKillsSleepingFamily(*cgroup);
  Status removed = cgroup->Remove();
  EXPECT_TRUE(removed.ok()) << removed.message();
}

TEST_F(ContainerCgroupTest, KillAllOnAnEmptyOrMissingCgroupIsFine) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  EXPECT_TRUE(cgroup->KillAll().ok());
  ASSERT_TRUE(cgroup->Remove().ok());
  EXPECT_TRUE(cgroup->KillAll().ok());
  EXPECT_TRUE(cgroup->Pids().empty());
  EXPECT_FALSE(cgroup->OomKilled());
}

TEST_F(ContainerCgroupTest, KillAllThawsAFrozenV1Cgroup) {
  if (layout_.v1_mounts.count("freezer") == 0) GTEST_SKIP() << "no v1 freezer on this host";
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "frozen", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);
  std::string state = Dir(layout_.v1_mounts.at("freezer"), "frozen") + "/freezer.state";
  WriteFile(state, "FROZEN");
  for (int i = 0; i < 200 && ReadTrimmed(state) != "FROZEN"; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(ReadTrimmed(state), "FROZEN");

  Status killed = cgroup->KillAll();
  ASSERT_TRUE(killed.ok()) << killed.message();
  EXPECT_TRUE(KilledBySigkill(WaitForExit(child, milliseconds(5000))));
  EXPECT_EQ(ReadTrimmed(state), "THAWED");
}

TEST_F(ContainerCgroupTest, FreezeStopsTasksAndThawResumesThem) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "pausable", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);
  EXPECT_FALSE(cgroup->Frozen());
  Status frozen = cgroup->Freeze();
  ASSERT_TRUE(frozen.ok()) << frozen.message();
  EXPECT_TRUE(cgroup->Frozen());
  // A frozen task is stopped in the kernel's refrigerator: /proc shows it not running.
  auto stat = ReadFileToString("/proc/" + std::to_string(child) + "/stat");
  ASSERT_TRUE(stat.ok());
  EXPECT_NE(stat->find(") D "), std::string::npos) << *stat;
  ASSERT_TRUE(cgroup->Thaw().ok());
  EXPECT_FALSE(cgroup->Frozen());
  ASSERT_TRUE(cgroup->Thaw().ok()) << "thawing a thawed cgroup is fine";
  ASSERT_TRUE(cgroup->KillAll().ok());
  WaitForExit(child, milliseconds(5000));
}

TEST_F(ContainerCgroupTest, StatsAndLimitUpdatesOfALiveCgroup) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "stats",
                                        CgroupLimits{.memory_bytes = 64 * kMiB, .pids_max = 10});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkInCgroup(cgroup->ProcsFiles(), [] {
    volatile uint64_t sum = 0;
    for (uint64_t i = 0; i < 50000000; ++i) sum = sum + i;
    SleepForever();
    return 0;
  });
  ASSERT_GT(child, 0);
  std::this_thread::sleep_for(milliseconds(200));
  auto stats = cgroup->ReadStats();
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_GT(stats->cpu_usage_ns, 1000000u);
  EXPECT_EQ(stats->memory_limit_bytes, 64 * kMiB);
  EXPECT_EQ(stats->pids_current, 1u);
  EXPECT_EQ(stats->pids_limit, 10u);

  // Raise then lower memory (v1 keeps memsw >= limit in between), change pids, lift cpu.
  for (uint64_t bytes : {128 * kMiB, 32 * kMiB}) {
    Status updated = cgroup->UpdateLimits({.memory_bytes = bytes});
    ASSERT_TRUE(updated.ok()) << updated.message();
    EXPECT_EQ(cgroup->ReadStats()->memory_limit_bytes, bytes);
  }
  ASSERT_TRUE(cgroup->UpdateLimits({.pids_max = 4}).ok());
  EXPECT_EQ(cgroup->ReadStats()->pids_limit, 4u);
  ASSERT_TRUE(cgroup->UpdateLimits({.memory_bytes = 0, .cpu_millis = 0, .pids_max = 0}).ok());
  stats = cgroup->ReadStats();
  EXPECT_EQ(stats->memory_limit_bytes, 0u) << "0 lifts the limit";
  EXPECT_EQ(stats->pids_limit, 0u);
  Status tiny = cgroup->UpdateLimits({.memory_bytes = 1000});
  EXPECT_EQ(tiny.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(tiny.message().find("limits.memory_bytes"), std::string::npos);
  ASSERT_TRUE(cgroup->KillAll().ok());
  WaitForExit(child, milliseconds(5000));
}

}  // namespace
}  // namespace boxcar
