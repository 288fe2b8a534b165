// What the ContainerCgroup tests share: helpers that read the host's cgroup mounts
// independently of CgroupLayout, fork children into cgroups and wait for them, and a fixture
// whose every test works under its own parent "boxcar-unittest-<pid>-<random>", which TearDown
// removes from every cgroup mount whatever the test did (needs root).
#pragma once

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

namespace boxcar {
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr uint64_t kMiB = 1ull << 20;

inline bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

inline bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

inline std::string ReadTrimmed(const std::string& path) {
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return "<" + text.status().message() + ">";
  std::string value = *text;
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

inline void WriteFile(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, value.data(), value.size());
  ::close(fd);
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every cgroup and cgroup2 mount point, read independently of CgroupLayout so that cleanup
// and leak checks also cover hierarchies the code under test should never touch.
inline std::vector<std::string> AllCgroupMounts() {
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
inline bool TryRemoveCgroupTree(const std::string& dir) {
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
inline std::optional<int> WaitForExit(pid_t pid, milliseconds timeout) {
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

inline bool KilledBySigkill(std::optional<int> status) {
  return status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
}

inline std::string DescribeWaitStatus(std::optional<int> status) {
  if (!status) return "did not exit in time";
  if (WIFEXITED(*status)) return "exited " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "killed by signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

[[noreturn]] inline void SleepForever() {
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

}  // namespace boxcar
