// ContainerCgroup against the host's real cgroups (needs root): limits land in the files,
// processes join, the OOM killer and pids.max act, KillAll and Remove leave nothing behind.
// Every test works under its own parent "boxcar-unittest-<pid>-<random>", which TearDown
// removes from every cgroup mount whatever the test did.
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

namespace boxcar {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr uint64_t kMiB = 1ull << 20;

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string ReadTrimmed(const std::string& path) {
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return "<" + text.status().message() + ">";
  std::string value = *text;
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

void WriteFile(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, value.data(), value.size());
  ::close(fd);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every cgroup and cgroup2 mount point, read independently of CgroupLayout so that cleanup
// and leak checks also cover hierarchies the code under test should never touch.
std::vector<std::string> AllCgroupMounts() {
  std::vector<std::string> mounts;
  std::istringstream lines(ReadFileToString("/proc/self/mountinfo").value());
  for (std::string line; std::getline(lines, line);) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream before(line.substr(0, dash));
    std::istringstream after(line.substr(dash + 3));
    std::string field, mount_point, type;
    for (int i = 0; i < 5 && before >> field; ++i) mount_point = field;
    after >> type;
    if (type == "cgroup" || type == "cgroup2") mounts.push_back(mount_point);
  }
  return mounts;
}

// One pass of a test-only rm -rf over a cgroup tree: SIGKILLs what is inside, thaws it and
// removes it children first. True once the tree is gone. Tasks frozen in the v1 freezer only
// die once the freezer hierarchy's pass has thawed them, so callers repeat passes.
bool TryRemoveCgroupTree(const std::string& dir) {
  if (!IsDirectory(dir)) return true;
  if (std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir); listing) {
    std::vector<std::string> children;
    while (struct dirent* entry = ::readdir(listing.get())) {
      std::string name = entry->d_name;
      if (entry->d_type == DT_DIR && name != "." && name != "..") children.push_back(name);
    }
    for (const std::string& child : children) TryRemoveCgroupTree(dir + "/" + child);
  }
  StatusOr<std::string> procs = ReadFileToString(dir + "/cgroup.procs");
  std::istringstream pids(procs.ok() ? *procs : "");
  for (pid_t pid; pids >> pid;) ::kill(pid, SIGKILL);
  if (Exists(dir + "/freezer.state")) WriteFile(dir + "/freezer.state", "THAWED");
  if (Exists(dir + "/cgroup.freeze")) WriteFile(dir + "/cgroup.freeze", "0");
  return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
}

// Waits for `pid` for up to `timeout`; the wait status, or nullopt (the child is then killed).
std::optional<int> WaitForExit(pid_t pid, milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return std::nullopt;
    if (steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      return std::nullopt;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

bool KilledBySigkill(std::optional<int> status) {
  return status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
}

std::string DescribeWaitStatus(std::optional<int> status) {
  if (!status) return "did not exit in time";
  if (WIFEXITED(*status)) return "exited " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "killed by signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

[[noreturn]] void SleepForever() {
  for (;;) ::pause();
}

class ContainerCgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "real cgroups need root";
    StatusOr<CgroupLayout> layout = CgroupLayout::Detect();
    ASSERT_TRUE(layout.ok()) << layout.status().message();
    layout_ = *layout;
    std::random_device random;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", random());
    parent_ = "boxcar-unittest-" + std::to_string(::getpid()) + "-" + suffix;
  }

  void TearDown() override {
    if (parent_.empty()) return;  // SetUp skipped: never clean up at a mount's root
    for (pid_t pid : children_) ::kill(pid, SIGKILL);
    const std::vector<std::string> mounts = AllCgroupMounts();
    for (int pass = 0; pass < 300; ++pass) {
      bool all_gone = true;
      for (const std::string& mount : mounts) {
        if (!TryRemoveCgroupTree(mount + "/" + parent_)) all_gone = false;
      }
      if (all_gone) break;
      std::this_thread::sleep_for(milliseconds(10));
    }
    for (pid_t pid : children_) WaitForExit(pid, milliseconds(5000));
    for (const std::string& mount : AllCgroupMounts()) {
      EXPECT_FALSE(Exists(mount + "/" + parent_)) << "leaked " << mount << "/" << parent_;
    }
  }

  // A layout of this host without its cgroup2 mount: exercises the pure v1 code paths.
  CgroupLayout V1View() const {
    CgroupLayout view = layout_;
    view.mode = CgroupMode::kV1;
    view.unified_mount.clear();
    view.v2_controllers.clear();
    return view;
  }

  // Forks a child that joins `procs_files` by writing "0" to each, then runs `body` and exits
  // with its result. Returns the pid once the child has joined, or -1.
  pid_t ForkInCgroup(const std::vector<std::string>& procs_files, std::function<int()> body) {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return -1;
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
      ::close(ready[0]);
      ::alarm(30);  // no test child outlives a hung test
      char joined = 'j';
      for (const std::string& file : procs_files) {
        int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::write(fd, "0", 1) != 1) joined = 'e';
        if (fd >= 0) ::close(fd);
      }
      (void)!::write(ready[1], &joined, 1);
      ::close(ready[1]);
      ::_exit(joined == 'j' ? body() : 111);
    }
    children_.push_back(pid);
    ::close(ready[1]);
    struct pollfd poll_fd = {ready[0], POLLIN, 0};
    char joined = 0;
    bool ok = ::poll(&poll_fd, 1, 5000) == 1 && ::read(ready[0], &joined, 1) == 1 && joined == 'j';
    ::close(ready[0]);
    return ok ? pid : -1;
  }

  // A payload that sleeps with a sleeping child in `cgroup`: KillAll kills both and empties it.
  void ExpectKillAllKillsSleepingFamily(ContainerCgroup& cgroup) {
    pid_t child = ForkInCgroup(cgroup.ProcsFiles(), [] {
      if (::fork() == 0) ::alarm(30);
      SleepForever();
      return 0;
    });
    ASSERT_GT(child, 0);
    for (int i = 0; i < 200 && cgroup.Pids().size() < 2; ++i) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_EQ(cgroup.Pids().size(), 2u);
    Status killed = cgroup.KillAll();
    ASSERT_TRUE(killed.ok()) << killed.message();
    EXPECT_TRUE(cgroup.Pids().empty());
    EXPECT_TRUE(KilledBySigkill(WaitForExit(child, milliseconds(5000))));
  }

  pid_t ForkSleeperInCgroup(const ContainerCgroup& cgroup) {
    return ForkInCgroup(cgroup.ProcsFiles(), [] {
      SleepForever();
      return 0;
    });
  }

  std::string Dir(const std::string& mount, const std::string& name) const {
    return mount + "/" + parent_ + "/" + name;
  }

  CgroupLayout layout_;
  std::string parent_;
  std::vector<pid_t> children_;
};

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

  for (const char* controller : {"memory", "cpu", "cpuacct", "pids", "freezer", "blkio"}) {
    auto mount = layout_.v1_mounts.find(controller);
    if (mount == layout_.v1_mounts.end()) continue;
    EXPECT_TRUE(IsDirectory(Dir(mount->second, "c1"))) << controller;
  }
  for (const char* unused : {"cpuset", "devices"}) {
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
