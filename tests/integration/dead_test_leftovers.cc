#include "dead_test_leftovers.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "cgroup_mount_points.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/process_start_time.h"

namespace boxcar::testing {

namespace {

constexpr char kWorkDirPrefix[] = "boxcar-it-";
constexpr char kOwnerFile[] = "/owner";

// A process gone or a zombie: the test process that owned something is no more.
bool PidIsGone(pid_t pid) {
  auto start_ticks = ReadProcessStartTicks(pid);
  return !start_ticks.ok() || !ProcessIsRunning(pid, *start_ticks);
}

// The owner recorded in `dir` is gone (its pid ended, or now names another process). A
// directory without an owner record (a harness between mkdtemp and the record, or one of an
// older build) is left alone.
bool OwnerIsGone(const std::string& dir) {
  std::ifstream owner(dir + kOwnerFile);
  pid_t pid = 0;
  uint64_t start_ticks = 0;
  if (!(owner >> pid >> start_ticks) || pid <= 0) return false;
  return !ProcessIsRunning(pid, start_ticks);
}

std::vector<std::string> MountPointsUnder(const std::string& dir) {
  std::vector<std::string> points;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    if (field.rfind(dir + "/", 0) == 0) points.push_back(field);
  }
  return points;
}

std::vector<std::string> Arguments(pid_t pid) {
  auto cmdline = ReadFileToString("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> arguments;
  if (!cmdline.ok()) return arguments;
  std::istringstream parts(*cmdline);
  for (std::string part; std::getline(parts, part, '\0');) arguments.push_back(part);
  return arguments;
}

std::vector<pid_t> AllProcesses() {
  std::vector<pid_t> pids;
  for (const auto& name : ListDirectoryNames("/proc")) {
    if (name.find_first_not_of("0123456789") == std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

// SIGKILLs `pids` and waits (up to 5 s) until each is gone or a zombie.
void KillAndWait(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (pid_t pid : pids) {
    while (!PidIsGone(pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

// The cgroup directories at and below `dir`, deepest first.
void CollectCgroups(const std::string& dir, std::vector<std::string>* deepest_first) {
  for (const auto& name : ListDirectoryNames(dir)) {
    struct stat info {};
    const std::string child = dir + "/" + name;
    if (::lstat(child.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      CollectCgroups(child, deepest_first);
    }
  }
  deepest_first->push_back(dir);
}

// Kills every process in the cgroup tree `dir` and removes the tree.
void RemoveCgroupTree(const std::string& dir) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    std::vector<std::string> cgroups;
    CollectCgroups(dir, &cgroups);
    std::vector<pid_t> members;
    for (const auto& cgroup : cgroups) {
      std::ifstream procs(cgroup + "/cgroup.procs");
      for (pid_t pid; procs >> pid;) members.push_back(pid);
    }
    KillAndWait(members);
    bool removed = true;
    for (const auto& cgroup : cgroups) removed = ::rmdir(cgroup.c_str()) == 0 && removed;
    if (removed || std::chrono::steady_clock::now() > deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The owner pid in a name made of `prefix` and "<pid>" or "<pid>-<n>", or 0.
pid_t OwnerPidInName(const std::string& name, const std::regex& pattern) {
  std::smatch match;
  if (!std::regex_match(name, match, pattern)) return 0;
  return static_cast<pid_t>(std::stol(match[1].str()));
}

// The network namespace at `path` (an `ip netns` name): the processes inside are killed and
// it is unmounted and unlinked, as `ip netns del` does.
void RemoveNetworkNamespace(const std::string& path) {
  struct stat namespace_file {};
  if (::stat(path.c_str(), &namespace_file) == 0) {
    std::vector<pid_t> inside;
    for (pid_t pid : AllProcesses()) {
      struct stat member {};
      std::string link = "/proc/" + std::to_string(pid) + "/ns/net";
      if (::stat(link.c_str(), &member) == 0 && member.st_ino == namespace_file.st_ino &&
          member.st_dev == namespace_file.st_dev) {
        inside.push_back(pid);
      }
    }
    KillAndWait(inside);
  }
  ::umount2(path.c_str(), MNT_DETACH);
  ::unlink(path.c_str());
}

}  // namespace

void MarkOwnedByThisProcess(const std::string& dir) {
  auto start_ticks = ReadProcessStartTicks(::getpid());
  (void)WriteFileAtomically(dir + kOwnerFile,
                            std::to_string(::getpid()) + " " +
                                std::to_string(start_ticks.ok() ? *start_ticks : 0) + "\n");
}

std::string RemoveDeadTestsLeftovers() {
  std::string removed;
  std::vector<std::string> dead_dirs;
  for (const auto& name : ListDirectoryNames("/tmp")) {
    if (name.rfind(kWorkDirPrefix, 0) == 0 && OwnerIsGone("/tmp/" + name)) {
      dead_dirs.push_back("/tmp/" + name);
    }
  }
  const std::regex cgroup_parent(R"(boxcar-it-(?:shared-)?(\d+)(?:-\d+)?)");
  std::set<std::string> dead_parents;
  for (const auto& mount : CgroupMountPoints()) {
    for (const auto& name : ListDirectoryNames(mount)) {
      pid_t owner = OwnerPidInName(name, cgroup_parent);
      if (owner > 0 && PidIsGone(owner)) dead_parents.insert(name);
    }
  }
  // First the agents (one would restart the containers killed below), known by their --root
  // in a dead directory or their --cgroup-parent.
  std::vector<pid_t> agents;
  for (pid_t pid : AllProcesses()) {
    auto arguments = Arguments(pid);
    for (size_t i = 0; i + 1 < arguments.size(); ++i) {
      const std::string& value = arguments[i + 1];
      bool in_dead_dir = arguments[i] == "--root" &&
                         std::any_of(dead_dirs.begin(), dead_dirs.end(), [&](const auto& dir) {
                           return value.rfind(dir + "/", 0) == 0;
                         });
      if (in_dead_dir || (arguments[i] == "--cgroup-parent" && dead_parents.count(value) > 0)) {
        agents.push_back(pid);
        removed += "agent pid " + std::to_string(pid) + "\n";
        break;
      }
    }
  }
  KillAndWait(agents);
  // Then the containers, shims and prewarmed slots, all in the agents' cgroup parents.
  for (const auto& mount : CgroupMountPoints()) {
    for (const auto& parent : dead_parents) {
      if (::access((mount + "/" + parent).c_str(), F_OK) != 0) continue;
      RemoveCgroupTree(mount + "/" + parent);
      removed += "cgroup " + mount + "/" + parent + "\n";
    }
  }
  for (const auto& dir : dead_dirs) {
    auto mounts = MountPointsUnder(dir);
    for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) {
      ::umount2(it->c_str(), MNT_DETACH);
    }
    (void)RemoveTree(dir);
    removed += "work directory " + dir + " (" + std::to_string(mounts.size()) + " mounts)\n";
  }
  const std::regex network_namespace(R"(bxt-[ar]-(\d+)-\d+)");
  for (const auto& name : ListDirectoryNames("/run/netns")) {
    pid_t owner = OwnerPidInName(name, network_namespace);
    if (owner <= 0 || !PidIsGone(owner)) continue;
    RemoveNetworkNamespace("/run/netns/" + name);
    removed += "network namespace " + name + "\n";
  }
  return removed;
}

}  // namespace boxcar::testing
