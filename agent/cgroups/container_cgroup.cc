#include "cgroups/container_cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "cgroups/cgroup_files.h"
#include "cgroups/cgroup_limits.h"
#include "cgroups/cgroup_tuning.h"
#include "cgroups/cpuset.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

using Clock = std::chrono::steady_clock;

// cpuset needs cpus/mems before a task may join: created only for containers given a cpuset
// (MakeV1Cpuset).
constexpr const char* kV1Hierarchies[] = {"memory",  "cpu",   "cpuacct", "pids",
                                          "freezer", "blkio", "devices"};
// Enabled in each ancestor's cgroup.subtree_control on pure v2.
constexpr const char* kV2Controllers[] = {"memory", "cpu", "pids", "io"};
constexpr auto kRemoveTimeout = std::chrono::seconds(1);
constexpr auto kRetrySleep = std::chrono::milliseconds(10);
constexpr int kKillRounds = 50;  // x kRetrySleep: half a second for SIGKILLed tasks to exit

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream stream(path);
  for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
  return parts;
}

// Pure v2 only: a controller reaches a cgroup only when every ancestor lists it in
// cgroup.subtree_control, so enable it from the root down to `parent`. Returns the failures
// by controller; they only matter when that controller's limit is requested.
std::map<std::string, std::string> EnableV2Controllers(const CgroupLayout& layout,
                                                       const std::string& parent,
                                                       bool with_cpuset) {
  std::map<std::string, std::string> errors;
  // NOTE: on hybrid hosts the cgroup2 mount belongs to the host's init and must never have
  // controllers enabled in it.
  if (layout.mode != CgroupMode::kV2 || layout.unified_mount.empty()) return errors;
  std::string level = layout.unified_mount;
  std::vector<std::string> levels = {level};
  for (const std::string& part : Components(parent)) {
    level += "/" + part;
    levels.push_back(level);
  }
  for (const std::string& dir : levels) {
    std::set<std::string> available = ReadCgroupWords(dir + "/cgroup.controllers");
    std::set<std::string> enabled = ReadCgroupWords(dir + "/cgroup.subtree_control");
    std::vector<std::string> controllers(std::begin(kV2Controllers), std::end(kV2Controllers));
    if (with_cpuset) controllers.push_back("cpuset");
    for (const std::string& controller : controllers) {
      if (available.count(controller) == 0 || enabled.count(controller) != 0) continue;
      Status status = WriteCgroupFile(dir + "/cgroup.subtree_control", "+" + controller);
      if (!status.ok() && errors.count(controller) == 0) errors[controller] = status.message();
    }
  }
  return errors;
}

// rmdir of `dir` after its child cgroups, retrying on EBUSY until `deadline`.
Status RemoveCgroupDirectory(const std::string& dir, Clock::time_point deadline) {
  Status result;
  if (std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir); listing) {
    std::vector<std::string> children;
    while (struct dirent* entry = ::readdir(listing.get())) {
      std::string child = entry->d_name;
      if (entry->d_type == DT_DIR && child != "." && child != "..") children.push_back(child);
    }
    for (const std::string& child : children) {
      Status removed = RemoveCgroupDirectory(dir + "/" + child, deadline);
      if (result.ok() && !removed.ok()) result = removed;
    }
  }
  for (;;) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return result;
    if (errno != EBUSY || Clock::now() >= deadline) {
      return ErrnoStatus("remove cgroup '" + dir + "'");
    }
    std::this_thread::sleep_for(kRetrySleep);
  }
}

}  // namespace

Status ValidateCgroupPath(const std::string& path, const std::string& field) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument(field + " '" + path + "' is not a valid cgroup path: " + why);
  };
  if (path.empty()) return invalid("it is empty");
  if (path.front() == '/') return invalid("it must be relative");
  if (path.find("..") != std::string::npos) return invalid("it must not contain '..'");
  for (char c : path) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '-' || c == '/';
    if (!allowed) return invalid("only [A-Za-z0-9_.-/] are allowed");
  }
  if (path.back() == '/') return invalid("it must not end with '/'");
  for (const std::string& part : Components(path)) {
    if (part.empty() || part == ".") return invalid("empty or '.' component");
  }
  return OkStatus();
}

ContainerCgroup::ContainerCgroup(CgroupMode mode, std::vector<std::string> mounts,
                                 std::vector<std::string> directories,
                                 std::map<std::string, std::string> v1_directories,
                                 std::string unified_directory)
    : mode_(mode),
      mounts_(std::move(mounts)),
      directories_(std::move(directories)),
      v1_directories_(std::move(v1_directories)),
      unified_directory_(std::move(unified_directory)) {}

ContainerCgroup ContainerCgroup::Open(const CgroupLayout& layout, const std::string& parent,
                                      const std::string& name) {
  std::vector<std::string> mounts;
  std::vector<std::string> directories;
  std::map<std::string, std::string> v1_directories;
  std::string unified_directory;
  if (!ValidateCgroupPath(parent, "cgroup parent").ok() ||
      !ValidateCgroupPath(name, "cgroup name").ok()) {
    return ContainerCgroup(layout.mode, {}, {}, {}, "");
  }
  const std::string relative = "/" + parent + "/" + name;
  if (layout.mode != CgroupMode::kV2) {
    for (const char* controller : kV1Hierarchies) {
      auto mount = layout.v1_mounts.find(controller);
      if (mount == layout.v1_mounts.end()) continue;
      v1_directories[controller] = mount->second + relative;
      // Co-mounted controllers (cpu,cpuacct) share one directory.
      if (std::find(mounts.begin(), mounts.end(), mount->second) == mounts.end()) {
        mounts.push_back(mount->second);
        directories.push_back(mount->second + relative);
      }
    }
  }
  if (layout.mode != CgroupMode::kV1 && !layout.unified_mount.empty()) {
    unified_directory = layout.unified_mount + relative;
    mounts.push_back(layout.unified_mount);
    directories.push_back(unified_directory);
  }
  ContainerCgroup cgroup(layout.mode, std::move(mounts), std::move(directories),
                         std::move(v1_directories), std::move(unified_directory));
  if (auto cpuset = layout.v1_mounts.find("cpuset");
      layout.mode != CgroupMode::kV2 && cpuset != layout.v1_mounts.end()) {
    cgroup.cpuset_mount_ = cpuset->second;
    cgroup.cpuset_directory_ = cpuset->second + relative;
  }
  return cgroup;
}

StatusOr<ContainerCgroup> ContainerCgroup::Create(const CgroupLayout& layout,
                                                  const std::string& parent,
                                                  const std::string& name,
                                                  const CgroupLimits& limits) {
  RETURN_IF_ERROR(ValidateCgroupPath(parent, "cgroup parent"));
  RETURN_IF_ERROR(ValidateCgroupPath(name, "cgroup name"));
  RETURN_IF_ERROR(ValidateCgroupLimits(limits));
  const std::string context = "create cgroup '" + parent + "/" + name + "'";
  RETURN_IF_ERROR(CheckControllersPresent(layout, limits).Annotate(context));
  RETURN_IF_ERROR(CheckTuningSupported(layout, parent, limits).Annotate(context));
  ContainerCgroup cgroup = Open(layout, parent, name);
  if (cgroup.directories_.empty()) {
    return FailedPrecondition(context + ": the " + layout.ModeName() +
                              " cgroup layout has no hierarchy to create it in");
  }
  std::vector<std::string> created;
  Status status = cgroup.MakeDirectories(parent, name, &created);
  if (status.ok() && limits.HasCpuset() && layout.mode != CgroupMode::kV2) {
    status = cgroup.MakeV1Cpuset(parent, name, limits, &created);
  }
  if (status.ok()) {
    status = cgroup.ApplyLimits(limits, EnableV2Controllers(layout, parent, limits.HasCpuset()));
  }
  if (!status.ok()) {
    // Nothing has joined yet, so plain rmdir of what this call made is enough.
    RemoveCreatedDirectories(created);
    return status.Annotate(context);
  }
  return cgroup;
}

StatusOr<ContainerCgroup> ContainerCgroup::CreateV1Slot(const CgroupLayout& layout,
                                                        const std::string& parent,
                                                        const std::string& slot) {
  RETURN_IF_ERROR(ValidateCgroupPath(parent, "cgroup parent"));
  RETURN_IF_ERROR(ValidateCgroupPath(slot, "cgroup slot"));
  if (layout.mode == CgroupMode::kV2)
    return FailedPrecondition("cgroup slots exist only on v1 hierarchies");
  ContainerCgroup all = Open(layout, parent, slot);
  ContainerCgroup v1_only(layout.mode, {}, {}, all.v1_directories_, "");
  for (size_t i = 0; i < all.mounts_.size(); ++i) {
    if (all.directories_[i] == all.unified_directory_) continue;
    v1_only.mounts_.push_back(all.mounts_[i]);
    v1_only.directories_.push_back(all.directories_[i]);
  }
  std::vector<std::string> created;
  Status status = v1_only.MakeDirectories(parent, slot, &created);
  if (!status.ok()) {
    RemoveCreatedDirectories(created);
    return status.Annotate("create cgroup slot '" + parent + "/" + slot + "'");
  }
  return v1_only;
}

StatusOr<ContainerCgroup> ContainerCgroup::AdoptV1Slot(const CgroupLayout& layout,
                                                       const std::string& parent,
                                                       const std::string& slot,
                                                       const std::string& name,
                                                       const CgroupLimits& limits) {
  RETURN_IF_ERROR(ValidateCgroupPath(name, "cgroup name"));
  RETURN_IF_ERROR(ValidateCgroupLimits(limits));
  RETURN_IF_ERROR(CheckControllersPresent(layout, limits));
  RETURN_IF_ERROR(CheckTuningSupported(layout, parent, limits));
  ContainerCgroup from = Open(layout, parent, slot);
  ContainerCgroup to = Open(layout, parent, name);
  Status status;
  for (size_t i = 0; i < from.directories_.size() && status.ok(); ++i) {
    if (from.directories_[i] == from.unified_directory_) {
      // Its parent is there (the agent's): one mkdir rather than one per path component.
      if (::mkdir(to.directories_[i].c_str(), 0755) != 0)
        status = boxcar::MakeDirectories(to.directories_[i], 0755);
    } else if (::rename(from.directories_[i].c_str(), to.directories_[i].c_str()) != 0) {
      status = ErrnoStatus("rename cgroup '" + from.directories_[i] + "' to '" +
                           to.directories_[i] + "'");
    }
  }
  // A cpuset cgroup is the container's own, made now (the slot's helper stays in the parent's
  // set; the payload joins it: AdoptedCpusetProcsFile). Removal takes it with the rest.
  std::vector<std::string> cpuset_created;
  if (status.ok() && limits.HasCpuset())
    status = to.MakeV1Cpuset(parent, name, limits, &cpuset_created);
  if (status.ok()) status = to.ApplyLimits(limits, {});
  if (!status.ok()) return status.Annotate("adopt cgroup slot '" + parent + "/" + slot + "'");
  return to;
}

Status ContainerCgroup::MakeDirectories(const std::string& parent, const std::string& name,
                                        std::vector<std::string>* created) const {
  for (const std::string& mount : mounts_) {
    // The parent is there but for the first cgroup: one mkdir then, not one per component.
    const std::string leaf = mount + "/" + parent + "/" + name;
    if (::mkdir(leaf.c_str(), 0755) == 0) {
      created->push_back(leaf);
      continue;
    }
    if (errno == EEXIST) return AlreadyExists("cgroup '" + leaf + "' already exists");
    if (errno != ENOENT) return ErrnoStatus("mkdir '" + leaf + "'");
    std::string dir = mount;
    for (const std::string& part : Components(parent)) {
      dir += "/" + part;
      if (::mkdir(dir.c_str(), 0755) == 0) {
        created->push_back(dir);
      } else if (errno != EEXIST) {
        return ErrnoStatus("mkdir '" + dir + "'");
      }
    }
    for (const std::string& part : Components(name)) {
      dir += "/" + part;
      if (::mkdir(dir.c_str(), 0755) == 0) {
        created->push_back(dir);
      } else if (errno == EEXIST && dir == mount + "/" + parent + "/" + name) {
        return AlreadyExists("cgroup '" + dir + "' already exists");
      } else if (errno != EEXIST) {
        return ErrnoStatus("mkdir '" + dir + "'");
      }
    }
  }
  return OkStatus();
}

std::vector<std::string> ContainerCgroup::ProcsFiles() const {
  std::vector<std::string> files;
  for (const std::string& dir : directories_) files.push_back(dir + "/cgroup.procs");
  return files;
}

Status ContainerCgroup::AddProcess(pid_t pid) const {
  if (directories_.empty()) return FailedPrecondition("add process: the cgroup handle is empty");
  for (const std::string& file : ProcsFiles()) {
    RETURN_IF_ERROR(WriteCgroupFile(file, std::to_string(pid))
                        .Annotate("add process " + std::to_string(pid) + " to its cgroup"));
  }
  return OkStatus();
}

std::vector<pid_t> ContainerCgroup::Pids() const {
  auto memory = v1_directories_.find("memory");
  if (memory != v1_directories_.end()) return ReadCgroupPids(memory->second + "/cgroup.procs");
  if (!unified_directory_.empty()) return ReadCgroupPids(unified_directory_ + "/cgroup.procs");
  if (!directories_.empty()) return ReadCgroupPids(directories_.front() + "/cgroup.procs");
  return {};
}

std::vector<pid_t> ContainerCgroup::PidsInAnyHierarchy() const {
  std::set<pid_t> pids;
  for (const std::string& dir : DirectoriesToRemove()) {
    for (pid_t pid : ReadCgroupPids(dir + "/cgroup.procs")) pids.insert(pid);
  }
  return {pids.begin(), pids.end()};
}

bool ContainerCgroup::OomKilled() const {
  if (mode_ == CgroupMode::kV2) {
    return !unified_directory_.empty() &&
           ReadCgroupKeyedValue(unified_directory_ + "/memory.events", "oom_kill") > 0;
  }
  auto memory = v1_directories_.find("memory");
  return memory != v1_directories_.end() &&
         ReadCgroupKeyedValue(memory->second + "/memory.oom_control", "oom_kill") > 0;
}

namespace {

std::string FreezerDirectory(const std::map<std::string, std::string>& v1_directories) {
  auto freezer = v1_directories.find("freezer");
  return freezer == v1_directories.end() ? std::string() : freezer->second;
}

}  // namespace

bool ContainerCgroup::Frozen() const {
  if (std::string freezer = FreezerDirectory(v1_directories_); !freezer.empty()) {
    return ReadCgroupValue(freezer + "/freezer.state") == "FROZEN";
  }
  return !unified_directory_.empty() &&
         ReadCgroupKeyedValue(unified_directory_ + "/cgroup.events", "frozen") == 1;
}

Status ContainerCgroup::Freeze() const {
  // v1 freezer where there is one (also on hybrid hosts), else cgroup2's cgroup.freeze.
  std::string freezer = FreezerDirectory(v1_directories_);
  if (!freezer.empty()) {
    RETURN_IF_ERROR(WriteCgroupFile(freezer + "/freezer.state", "FROZEN").Annotate("pause"));
  } else if (!unified_directory_.empty() && CgroupFileExists(unified_directory_ + "/cgroup.freeze")) {
    RETURN_IF_ERROR(WriteCgroupFile(unified_directory_ + "/cgroup.freeze", "1").Annotate("pause"));
  } else {
    return FailedPrecondition("pause needs the cgroup v1 freezer or cgroup2's cgroup.freeze");
  }
  // FREEZING turns FROZEN once every task has stopped; v1 needs the state re-written to retry.
  const Clock::time_point deadline = Clock::now() + kRemoveTimeout;
  while (!Frozen()) {
    if (Clock::now() > deadline) {
      (void)Thaw();
      return Unavailable("pause: the container's processes did not freeze within 1 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!freezer.empty()) (void)WriteCgroupFile(freezer + "/freezer.state", "FROZEN");
  }
  return OkStatus();
}

Status ContainerCgroup::Thaw() const {
  // NOTE: frozen tasks do not act on SIGKILL until thawed.
  if (std::string freezer = FreezerDirectory(v1_directories_); !freezer.empty()) {
    std::string state = ReadCgroupValue(freezer + "/freezer.state");
    if (!state.empty() && state != "THAWED") {
      RETURN_IF_ERROR(WriteCgroupFile(freezer + "/freezer.state", "THAWED").Annotate("unpause"));
    }
  }
  if (!unified_directory_.empty()) {
    if (ReadCgroupValue(unified_directory_ + "/cgroup.freeze") == "1") {
      RETURN_IF_ERROR(
          WriteCgroupFile(unified_directory_ + "/cgroup.freeze", "0").Annotate("unpause"));
    }
  }
  return OkStatus();
}

Status ContainerCgroup::KillAll() const {
  // cgroup.kill (Linux 5.14+) kills the whole subtree at once, with no pid-reuse race; the
  // loop below still catches what it cannot reach (v1-only members, older kernels).
  if (!unified_directory_.empty() && CgroupFileExists(unified_directory_ + "/cgroup.kill")) {
    (void)WriteCgroupFile(unified_directory_ + "/cgroup.kill", "1");
  }
  std::vector<pid_t> pids;
  for (int round = 0; round < kKillRounds; ++round) {
    pids = PidsInAnyHierarchy();
    if (pids.empty()) return OkStatus();
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    (void)Thaw();
    std::this_thread::sleep_for(kRetrySleep);
  }
  std::string listed;
  for (pid_t pid : pids) listed += (listed.empty() ? "" : " ") + std::to_string(pid);
  return Unavailable("kill processes in cgroup '" + directories_.front() +
                     "': still running after SIGKILL: " + listed);
}

bool ContainerCgroup::RemoveIfEmpty() const {
  // NOTE: on v1 hosts this includes the cpuset directory, which most containers lack: one
  // rmdir that fails with ENOENT.
  const std::vector<std::string> directories = DirectoriesToRemove();
  for (auto dir = directories.rbegin(); dir != directories.rend(); ++dir) {
    if (::rmdir(dir->c_str()) != 0 && errno != ENOENT) return false;
  }
  return true;
}

Status ContainerCgroup::Remove() const {
  const Clock::time_point deadline = Clock::now() + kRemoveTimeout;
  Status result;
  const std::vector<std::string> directories = DirectoriesToRemove();
  for (auto dir = directories.rbegin(); dir != directories.rend(); ++dir) {
    Status removed = RemoveCgroupDirectory(*dir, deadline);
    if (result.ok() && !removed.ok()) result = removed;
  }
  return result;
}

Status RemoveCgroupParentIfEmpty(const CgroupLayout& layout, const std::string& parent) {
  RETURN_IF_ERROR(ValidateCgroupPath(parent, "cgroup parent"));
  std::set<std::string> mounts;
  if (layout.mode != CgroupMode::kV2) {
    for (const char* controller : kV1Hierarchies) {
      auto mount = layout.v1_mounts.find(controller);
      if (mount != layout.v1_mounts.end()) mounts.insert(mount->second);
    }
    if (auto cpuset = layout.v1_mounts.find("cpuset"); cpuset != layout.v1_mounts.end())
      mounts.insert(cpuset->second);
  }
  if (layout.mode != CgroupMode::kV1 && !layout.unified_mount.empty()) {
    mounts.insert(layout.unified_mount);
  }
  Status result;
  for (const std::string& mount : mounts) {
    const std::string dir = mount + "/" + parent;
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY &&
        result.ok()) {
      result = ErrnoStatus("remove cgroup parent '" + dir + "'");
    }
  }
  return result;
}

}  // namespace boxcar
