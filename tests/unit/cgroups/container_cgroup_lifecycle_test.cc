// ContainerCgroup's life cycle against the host's real cgroups (needs root): Remove leaves
// nothing behind, bad names and limits are refused naming the field and create nothing,
// Open finds what exists, parents come and go level by level, and the pure v1 and
// unified-only code paths of a hybrid host.
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

#include "cgroups/container_cgroup.h"
#include "common/atomic_file.h"
#include "container_cgroup_fixture.h"

namespace boxcar {
namespace {

TEST_F(ContainerCgroupTest, RemoveDeletesEveryDirectory) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.pids_max = 10});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(cgroup->KillAll().ok());
  // Right after the kill the task may still be exiting: Remove retries through EBUSY.
  Status removed = cgroup->Remove();
  ASSERT_TRUE(removed.ok()) << removed.message();
  for (const std::string& dir : cgroup->directories()) EXPECT_FALSE(Exists(dir)) << dir;
  EXPECT_TRUE(cgroup->Remove().ok()) << "missing directories are fine";
}

TEST_F(ContainerCgroupTest, RemoveGivesUpAfterAboutASecondWhileTasksLive) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "busy", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);

  auto start = steady_clock::now();
  Status removed = cgroup->Remove();
  auto elapsed = steady_clock::now() - start;
  EXPECT_FALSE(removed.ok());
  EXPECT_TRUE(Contains(removed.message(), "remove cgroup '")) << removed.message();
  EXPECT_GE(elapsed, milliseconds(900));
  EXPECT_LT(elapsed, milliseconds(3000));

  ASSERT_TRUE(cgroup->KillAll().ok());
  EXPECT_TRUE(cgroup->Remove().ok());
}

TEST_F(ContainerCgroupTest, RemoveAlsoRemovesChildCgroups) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  for (const std::string& dir : cgroup->directories()) {
    ASSERT_EQ(::mkdir((dir + "/nested").c_str(), 0755), 0) << dir;
  }
  Status removed = cgroup->Remove();
  ASSERT_TRUE(removed.ok()) << removed.message();
  for (const std::string& dir : cgroup->directories()) EXPECT_FALSE(Exists(dir)) << dir;
}

TEST_F(ContainerCgroupTest, InvalidParentOrNameIsRejected) {
  for (const char* bad : {"../x", "/abs", "a/../b", "..", "a/..", "a b", "", "a//b", "a/", "./a",
                          "a/./b", "x;y", "a\nb", "caf\xc3\xa9"}) {
    auto by_parent = ContainerCgroup::Create(layout_, bad, "c1", CgroupLimits{});
    EXPECT_EQ(by_parent.status().code(), StatusCode::kInvalidArgument) << "parent " << bad;
    auto by_name = ContainerCgroup::Create(layout_, parent_, bad, CgroupLimits{});
    EXPECT_EQ(by_name.status().code(), StatusCode::kInvalidArgument) << "name " << bad;
    EXPECT_TRUE(ContainerCgroup::Open(layout_, bad, "c1").directories().empty()) << bad;
    EXPECT_EQ(RemoveCgroupParentIfEmpty(layout_, bad).code(), StatusCode::kInvalidArgument);
  }
  auto rejected = ContainerCgroup::Create(layout_, "../x", "c1", CgroupLimits{});
  EXPECT_TRUE(Contains(rejected.status().message(), "'../x'")) << rejected.status().message();
  for (const std::string& mount : AllCgroupMounts()) EXPECT_FALSE(Exists(mount + "/" + parent_));

  EXPECT_TRUE(ValidateCgroupPath("boxcar", "parent").ok());
  EXPECT_TRUE(ValidateCgroupPath("boxcar-test-1234/sub", "parent").ok());
  EXPECT_TRUE(ValidateCgroupPath("a.b_c-D9", "parent").ok());
}

TEST_F(ContainerCgroupTest, InvalidLimitsAreRejectedNamingTheField) {
  auto memory =
      ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.memory_bytes = 4 * kMiB - 1});
  EXPECT_EQ(memory.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(memory.status().message(), "limits.memory_bytes"))
      << memory.status().message();

  auto cpu = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.cpu_millis = 9});
  EXPECT_EQ(cpu.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(cpu.status().message(), "limits.cpu_millis")) << cpu.status().message();

  for (const std::string& mount : AllCgroupMounts()) EXPECT_FALSE(Exists(mount + "/" + parent_));

  auto smallest = ContainerCgroup::Create(layout_, parent_, "c1",
                                          CgroupLimits{.memory_bytes = 4 * kMiB, .cpu_millis = 10});
  EXPECT_TRUE(smallest.ok()) << smallest.status().message();
}

TEST_F(ContainerCgroupTest, MissingControllerIsAFailedPrecondition) {
  CgroupLayout without_pids = layout_;
  without_pids.v1_mounts.erase("pids");
  without_pids.v2_controllers.erase("pids");
  auto cgroup = ContainerCgroup::Create(without_pids, parent_, "c1",
                                        CgroupLimits{.memory_bytes = 64 * kMiB, .pids_max = 5});
  EXPECT_EQ(cgroup.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(cgroup.status().message(), "limits.pids_max")) << cgroup.status().message();
  EXPECT_TRUE(Contains(cgroup.status().message(), "pids controller")) << cgroup.status().message();
  for (const std::string& mount : AllCgroupMounts()) EXPECT_FALSE(Exists(mount + "/" + parent_));

  // Without the limit the same layout is fine.
  auto unlimited = ContainerCgroup::Create(without_pids, parent_, "c1", CgroupLimits{});
  EXPECT_TRUE(unlimited.ok()) << unlimited.status().message();
}

TEST_F(ContainerCgroupTest, FailureAfterCreatingRemovesEverythingCreated) {
  // pids.max above the kernel's PID limit fails only when written, after the directories.
  CgroupLimits rejected_by_kernel{.memory_bytes = 64 * kMiB, .pids_max = 1ull << 40};
  auto first = ContainerCgroup::Create(layout_, parent_ + "/sub", "c1", rejected_by_kernel);
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(Contains(first.status().message(), "limits.pids_max")) << first.status().message();
  for (const std::string& mount : AllCgroupMounts()) {
    EXPECT_FALSE(Exists(mount + "/" + parent_)) << "the parents this call made are gone too";
  }

  // Directories that existed before the call survive it.
  auto kept = ContainerCgroup::Create(layout_, parent_, "kept", CgroupLimits{});
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  auto second = ContainerCgroup::Create(layout_, parent_, "c2", rejected_by_kernel);
  ASSERT_FALSE(second.ok());
  for (const std::string& dir : kept->directories()) EXPECT_TRUE(IsDirectory(dir)) << dir;
  for (const std::string& dir : ContainerCgroup::Open(layout_, parent_, "c2").directories()) {
    EXPECT_FALSE(Exists(dir)) << dir;
  }
}

TEST_F(ContainerCgroupTest, CreatingAnExistingCgroupFailsAndKeepsIt) {
  auto first = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.pids_max = 7});
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto again = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{.pids_max = 9});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().message();
  for (const std::string& dir : first->directories()) EXPECT_TRUE(IsDirectory(dir)) << dir;
  if (layout_.mode != CgroupMode::kV2) {
    EXPECT_EQ(ReadTrimmed(Dir(layout_.v1_mounts.at("pids"), "c1") + "/pids.max"), "7");
  }
}

TEST_F(ContainerCgroupTest, OpenFindsAnExistingCgroupAndCreatesNothing) {
  ContainerCgroup missing = ContainerCgroup::Open(layout_, parent_, "c1");
  ASSERT_FALSE(missing.directories().empty());
  for (const std::string& dir : missing.directories()) EXPECT_FALSE(Exists(dir)) << dir;
  EXPECT_TRUE(missing.Pids().empty());

  auto created = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(created.ok()) << created.status().message();
  pid_t child = ForkSleeperInCgroup(*created);
  ASSERT_GT(child, 0);
  ContainerCgroup reopened = ContainerCgroup::Open(layout_, parent_, "c1");
  EXPECT_EQ(reopened.directories(), created->directories());
  EXPECT_EQ(reopened.Pids(), std::vector<pid_t>{child});
  ASSERT_TRUE(reopened.KillAll().ok());
  EXPECT_TRUE(KilledBySigkill(WaitForExit(child, milliseconds(5000))));
  EXPECT_TRUE(reopened.Remove().ok());
}

TEST_F(ContainerCgroupTest, RemoveCgroupParentIfEmptyRemovesOnlyAnEmptyParent) {
  auto cgroup = ContainerCgroup::Create(layout_, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  Status busy = RemoveCgroupParentIfEmpty(layout_, parent_);
  EXPECT_TRUE(busy.ok()) << busy.message();
  for (const std::string& dir : cgroup->directories()) EXPECT_TRUE(IsDirectory(dir)) << dir;

  ASSERT_TRUE(cgroup->Remove().ok());
  Status removed = RemoveCgroupParentIfEmpty(layout_, parent_);
  EXPECT_TRUE(removed.ok()) << removed.message();
  for (const std::string& mount : AllCgroupMounts()) EXPECT_FALSE(Exists(mount + "/" + parent_));
  EXPECT_TRUE(RemoveCgroupParentIfEmpty(layout_, parent_).ok()) << "missing is fine";
}

TEST_F(ContainerCgroupTest, NestedParentsAreCreatedAndRemovedLevelByLevel) {
  const std::string nested = parent_ + "/sub/deeper";
  auto cgroup = ContainerCgroup::Create(layout_, nested, "c1", CgroupLimits{.pids_max = 3});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  if (layout_.mode != CgroupMode::kV2) {
    EXPECT_TRUE(IsDirectory(layout_.v1_mounts.at("pids") + "/" + nested + "/c1"));
  }
  ASSERT_TRUE(cgroup->Remove().ok());
  ASSERT_TRUE(RemoveCgroupParentIfEmpty(layout_, nested).ok());
  for (const std::string& dir : cgroup->directories()) {
    std::string level = dir.substr(0, dir.rfind('/'));
    EXPECT_FALSE(Exists(level)) << level;                                  // .../sub/deeper
    EXPECT_TRUE(IsDirectory(level.substr(0, level.rfind('/')))) << level;  // .../sub stays
  }
  ASSERT_TRUE(RemoveCgroupParentIfEmpty(layout_, parent_ + "/sub").ok());
  ASSERT_TRUE(RemoveCgroupParentIfEmpty(layout_, parent_).ok());
  for (const std::string& mount : AllCgroupMounts()) EXPECT_FALSE(Exists(mount + "/" + parent_));
}

// The pure v1 code paths, on a hybrid host: no cgroup2 directory, KillAll loops over
// cgroup.procs instead of writing cgroup.kill.
TEST_F(ContainerCgroupTest, V1ViewOfThisHost) {
  if (layout_.mode == CgroupMode::kV2) GTEST_SKIP() << "no v1 hierarchies on this host";
  CgroupLayout v1 = V1View();
  auto cgroup = ContainerCgroup::Create(v1, parent_, "c1", CgroupLimits{.memory_bytes = 32 * kMiB});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  for (const std::string& dir : cgroup->directories()) {
    EXPECT_FALSE(layout_.unified_mount.empty() && dir.rfind(layout_.unified_mount, 0) == 0) << dir;
  }
  ExpectKillAllKillsSleepingFamily(*cgroup);
  EXPECT_TRUE(cgroup->Remove().ok());
  EXPECT_TRUE(RemoveCgroupParentIfEmpty(v1, parent_).ok());
}

// The v2 code paths on the controller-less cgroup2 mount of a hybrid host: tracking, Pids and
// cgroup.kill work, limits are a FailedPrecondition. Runs only where no controller could be
// enabled, so nothing is ever written to a cgroup.subtree_control.
TEST_F(ContainerCgroupTest, UnifiedOnlyViewOfAHybridHost) {
  if (layout_.mode != CgroupMode::kHybrid) GTEST_SKIP() << "needs a hybrid host";
  std::set<std::string> root_controllers;
  {
    std::istringstream words(ReadTrimmed(layout_.unified_mount + "/cgroup.controllers"));
    for (std::string word; words >> word;) root_controllers.insert(word);
  }
  for (const char* controller : {"memory", "cpu", "pids"}) {
    if (root_controllers.count(controller) != 0) GTEST_SKIP() << "cgroup2 has " << controller;
  }
  std::string subtree_before = ReadTrimmed(layout_.unified_mount + "/cgroup.subtree_control");
  CgroupLayout v2 = layout_;
  v2.mode = CgroupMode::kV2;
  v2.v1_mounts.clear();

  auto limited =
      ContainerCgroup::Create(v2, parent_, "c1", CgroupLimits{.memory_bytes = 64 * kMiB});
  EXPECT_EQ(limited.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(limited.status().message(), "limits.memory_bytes"))
      << limited.status().message();
  EXPECT_TRUE(Contains(limited.status().message(), "memory controller"))
      << limited.status().message();
  EXPECT_FALSE(Exists(layout_.unified_mount + "/" + parent_));

  auto cgroup = ContainerCgroup::Create(v2, parent_, "c1", CgroupLimits{});
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  EXPECT_EQ(cgroup->directories(), std::vector<std::string>{Dir(layout_.unified_mount, "c1")});
  pid_t child = ForkSleeperInCgroup(*cgroup);
  ASSERT_GT(child, 0);
  EXPECT_EQ(cgroup->Pids(), std::vector<pid_t>{child});
  EXPECT_FALSE(cgroup->OomKilled());
  ASSERT_TRUE(cgroup->KillAll().ok());
  EXPECT_TRUE(KilledBySigkill(WaitForExit(child, milliseconds(5000))));
  EXPECT_TRUE(cgroup->Remove().ok());
  EXPECT_TRUE(RemoveCgroupParentIfEmpty(v2, parent_).ok());
  EXPECT_EQ(ReadTrimmed(layout_.unified_mount + "/cgroup.subtree_control"), subtree_before);
}

}  // namespace
}  // namespace boxcar
