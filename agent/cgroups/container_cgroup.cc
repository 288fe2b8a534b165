#include "cgroups/container_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

const char* const kV1Controllers[] = {"memory", "cpu", "cpuacct", "pids", "freezer", "blkio"};
constexpr uint64_t kCpuPeriodMicros = 100000;

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// cgroup files take one write(2) each; no temp files, no truncation games.
Status WriteCgroupFile(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    return ErrnoStatus("write '" + value + "' to '" + path + "'");
  }
  return OkStatus();
}

uint64_t ReadKeyedValue(const std::string& path, const std::string& key) {
  std::ifstream file(path);
  std::string name;
  uint64_t value = 0;
  while (file >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}

std::vector<pid_t> ReadPids(const std::string& procs_file) {
  std::vector<pid_t> pids;
  std::ifstream file(procs_file);
  for (pid_t pid; file >> pid;) pids.push_back(pid);
  return pids;
}

struct Directories {
  std::vector<std::string> all;
  std::string memory;
  std::string unified;
  std::map<std::string, std::string> by_controller;
};

Directories DirectoriesFor(const CgroupLayout& layout, const std::string& relative) {
  Directories dirs;
  std::set<std::string> seen;
  if (layout.mode != CgroupMode::kV2) {
    for (const char* controller : kV1Controllers) {
      auto mount = layout.v1_mounts.find(controller);
      if (mount == layout.v1_mounts.end()) continue;
      std::string dir = mount->second + "/" + relative;
      dirs.by_controller[controller] = dir;
      if (seen.insert(dir).second) dirs.all.push_back(dir);
    }
    dirs.memory = dirs.by_controller.count("memory") ? dirs.by_controller["memory"] : "";
  }
  if (!layout.unified_mount.empty()) {
    dirs.unified = layout.unified_mount + "/" + relative;
    dirs.all.push_back(dirs.unified);
  }
  return dirs;
}

// Pure v2 only: each ancestor must delegate the controllers to its children. On hybrid hosts
// the cgroup2 mount belongs to whoever runs the host; we never touch its subtree_control.
void EnableV2Controllers(const CgroupLayout& layout, const std::string& parent) {
  std::string dir = layout.unified_mount;
  std::vector<std::string> levels = {""};
  std::stringstream parts(parent);
  for (std::string part; std::getline(parts, part, '/');) {
    if (!part.empty()) levels.push_back(part);
  }
  for (const auto& level : levels) {
    if (!level.empty()) dir += "/" + level;
    for (const char* controller : {"memory", "cpu", "pids", "io"}) {
      if (layout.v2_controllers.count(controller)) {
        (void)WriteCgroupFile(dir + "/cgroup.subtree_control", std::string("+") + controller);
      }
    }
  }
}

Status ApplyLimits(const CgroupLayout& layout, const Directories& dirs, const CgroupLimits& limits) {
  bool v2 = layout.mode == CgroupMode::kV2;
  auto controller_dir = [&](const std::string& controller, const std::string& field) -> StatusOr<std::string> {
    if (v2) {
      if (!layout.v2_controllers.count(controller)) {
        return FailedPrecondition(field + ": the cgroup2 hierarchy has no " + controller + " controller");
      }
      return dirs.unified;
    }
    auto it = dirs.by_controller.find(controller);
    if (it == dirs.by_controller.end()) {
      return FailedPrecondition(field + ": no cgroup v1 " + controller + " hierarchy is mounted");
    }
    return it->second;
  };
  if (limits.memory_bytes) {
    ASSIGN_OR_RETURN(std::string dir, controller_dir("memory", "limits.memory_bytes"));
    std::string bytes = std::to_string(limits.memory_bytes);
    if (v2) {
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/memory.max", bytes));
      if (Exists(dir + "/memory.swap.max")) RETURN_IF_ERROR(WriteCgroupFile(dir + "/memory.swap.max", "0"));
    } else {
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/memory.limit_in_bytes", bytes));
      if (Exists(dir + "/memory.memsw.limit_in_bytes")) {
        RETURN_IF_ERROR(WriteCgroupFile(dir + "/memory.memsw.limit_in_bytes", bytes));
      }
    }
  }
  if (limits.cpu_millis) {
    ASSIGN_OR_RETURN(std::string dir, controller_dir("cpu", "limits.cpu_millis"));
    std::string quota = std::to_string(limits.cpu_millis * kCpuPeriodMicros / 1000);
    if (v2) {
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpu.max", quota + " " + std::to_string(kCpuPeriodMicros)));
    } else {
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpu.cfs_period_us", std::to_string(kCpuPeriodMicros)));
      RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpu.cfs_quota_us", quota));
    }
  }
  if (limits.pids_max) {
    ASSIGN_OR_RETURN(std::string dir, controller_dir("pids", "limits.pids_max"));
    RETURN_IF_ERROR(WriteCgroupFile(dir + "/pids.max", std::to_string(limits.pids_max)));
  }
  return OkStatus();
}

}  // namespace

Status ValidateCgroupPath(const std::string& path, const std::string& field) {
  static const std::regex kPath("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
  if (!std::regex_match(path, kPath) || path.find("..") != std::string::npos) {
    return InvalidArgument(field + ": '" + path + "' is not a relative cgroup path of [A-Za-z0-9_.-/] without '..'");
  }
  return OkStatus();
}

StatusOr<ContainerCgroup> ContainerCgroup::Create(const CgroupLayout& layout, const std::string& parent,
                                                  const std::string& name, const CgroupLimits& limits) {
  RETURN_IF_ERROR(ValidateCgroupPath(parent, "cgroup parent"));
  RETURN_IF_ERROR(ValidateCgroupPath(name, "cgroup name"));
  if (limits.memory_bytes != 0 && limits.memory_bytes < (4ull << 20)) {
    return InvalidArgument("limits.memory_bytes: below the 4 MiB minimum");
  }
  if (limits.cpu_millis != 0 && limits.cpu_millis < 10) return InvalidArgument("limits.cpu_millis: below 10");
  Directories dirs = DirectoriesFor(layout, parent + "/" + name);
  ContainerCgroup cgroup(layout.mode, dirs.all, dirs.memory, dirs.unified);
  if (layout.mode == CgroupMode::kV2) EnableV2Controllers(layout, parent);
  for (const auto& dir : dirs.all) {
    if (Status made = MakeDirectories(dir, 0755); !made.ok()) {
      (void)cgroup.Remove();
      return made;
    }
  }
  if (Status applied = ApplyLimits(layout, dirs, limits); !applied.ok()) {
    (void)cgroup.Remove();
    return applied;
  }
  return cgroup;
}

ContainerCgroup ContainerCgroup::Open(const CgroupLayout& layout, const std::string& parent, const std::string& name) {
  Directories dirs = DirectoriesFor(layout, parent + "/" + name);
  return ContainerCgroup(layout.mode, dirs.all, dirs.memory, dirs.unified);
}

std::vector<std::string> ContainerCgroup::ProcsFiles() const {
  std::vector<std::string> files;
  for (const auto& dir : directories_) files.push_back(dir + "/cgroup.procs");
  return files;
}

Status ContainerCgroup::AddProcess(pid_t pid) const {
  for (const auto& file : ProcsFiles()) RETURN_IF_ERROR(WriteCgroupFile(file, std::to_string(pid)));
  return OkStatus();
}

std::vector<pid_t> ContainerCgroup::Pids() const {
  const std::string& dir = !memory_dir_.empty() ? memory_dir_ : unified_dir_;
  return ReadPids(dir + "/cgroup.procs");
}

bool ContainerCgroup::OomKilled() const {
  if (mode_ == CgroupMode::kV2) return ReadKeyedValue(unified_dir_ + "/memory.events", "oom_kill") > 0;
  return !memory_dir_.empty() && ReadKeyedValue(memory_dir_ + "/memory.oom_control", "oom_kill") > 0;
}

Status ContainerCgroup::KillAll() const {
  if (!unified_dir_.empty() && Exists(unified_dir_ + "/cgroup.kill")) {
    if (WriteCgroupFile(unified_dir_ + "/cgroup.kill", "1").ok()) return OkStatus();
  }
  for (int round = 0; round < 20; ++round) {
    std::vector<pid_t> pids = Pids();
    if (pids.empty()) return OkStatus();
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Internal("processes survive SIGKILL in cgroup '" + memory_dir_ + "'");
}

Status ContainerCgroup::Remove() const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (auto it = directories_.rbegin(); it != directories_.rend(); ++it) {
    for (;;) {
      if (::rmdir(it->c_str()) == 0 || errno == ENOENT) break;
      if (errno != EBUSY || std::chrono::steady_clock::now() > deadline) {
        return ErrnoStatus("remove cgroup '" + *it + "'");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return OkStatus();
}

Status RemoveCgroupParentIfEmpty(const CgroupLayout& layout, const std::string& parent) {
  RETURN_IF_ERROR(ValidateCgroupPath(parent, "cgroup parent"));
  std::vector<std::string> levels;
  std::string prefix;
  std::stringstream parts(parent);
  for (std::string part; std::getline(parts, part, '/');) {
    prefix += (prefix.empty() ? "" : "/") + part;
    levels.push_back(prefix);
  }
  for (auto level = levels.rbegin(); level != levels.rend(); ++level) {
    for (const auto& dir : DirectoriesFor(layout, *level).all) {
      if (::rmdir(dir.c_str()) != 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY) {
        return ErrnoStatus("remove cgroup '" + dir + "'");
      }
    }
  }
  return OkStatus();
}

}  // namespace boxcar
