// The cpuset part of ContainerCgroup (--cpuset-cpus, --cpuset-mems): on v1 and hybrid hosts a
// cpuset cgroup of its own, made only for the containers given a set, and live updates.
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "cgroups/cgroup_files.h"
#include "cgroups/container_cgroup.h"
#include "cgroups/cpuset.h"

namespace boxcar {

namespace {

Status NoV1CpusetHierarchy(const std::string& field) {
  return FailedPrecondition(field +
                            " needs the cpuset controller, but no cgroup v1 cpuset hierarchy "
                            "is mounted");
}

}  // namespace

Status ContainerCgroup::MakeV1Cpuset(const std::string& parent, const std::string& name,
                                     const CgroupLimits& limits,
                                     std::vector<std::string>* created) {
  const std::string field =
      limits.cpuset_cpus.empty() ? "limits.cpuset_mems" : "limits.cpuset_cpus";
  if (cpuset_directory_.empty()) return NoV1CpusetHierarchy(field);
  RETURN_IF_ERROR(MakeV1CpusetDirectory(cpuset_mount_, cpuset_directory_, created));
  RETURN_IF_ERROR(WriteCpusetSets(cpuset_directory_, limits.cpuset_cpus, limits.cpuset_mems));
  mounts_.push_back(cpuset_mount_);
  directories_.push_back(cpuset_directory_);
  v1_directories_["cpuset"] = cpuset_directory_;
  return OkStatus();
}

std::vector<std::string> ContainerCgroup::DirectoriesToRemove() const {
  std::vector<std::string> directories = directories_;
  if (!cpuset_directory_.empty() &&
      std::find(directories.begin(), directories.end(), cpuset_directory_) == directories.end()) {
    directories.push_back(cpuset_directory_);
  }
  return directories;
}

Status ContainerCgroup::UpdateCpuset(const std::optional<std::string>& cpus,
                                     const std::optional<std::string>& mems) const {
  const std::string field = cpus ? "limits.cpuset_cpus" : "limits.cpuset_mems";
  if (mode_ == CgroupMode::kV2) {
    ASSIGN_OR_RETURN(std::string dir, ControllerDirectory(field, "cpuset"));
    // "" hands the set back to the parent's.
    if (cpus) RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpuset.cpus", *cpus).Annotate(field));
    if (mems) RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpuset.mems", *mems).Annotate(field));
    return OkStatus();
  }
  if (cpuset_directory_.empty()) return NoV1CpusetHierarchy(field);
  const bool existed = ::access(cpuset_directory_.c_str(), F_OK) == 0;
  if (!existed) {
    if ((!cpus || cpus->empty()) && (!mems || mems->empty())) return OkStatus();  // nothing asked
    // NOTE: a v1 cpuset cgroup may be made and joined at any time; what the container forks
    // while its processes move is caught by the second pass.
    std::vector<std::string> created;
    Status made = MakeV1CpusetDirectory(cpuset_mount_, cpuset_directory_, &created);
    if (!made.ok()) {
      RemoveCreatedDirectories(created);
      return made.Annotate(field);
    }
  }
  // v1 has no "inherit": "" is the parent's set.
  const std::string parent = cpuset_directory_.substr(0, cpuset_directory_.rfind('/'));
  auto value = [&](const std::optional<std::string>& given, const char* file) {
    return given->empty() ? ReadCgroupValue(parent + file) : *given;
  };
  if (cpus) {
    RETURN_IF_ERROR(WriteCgroupFile(cpuset_directory_ + "/cpuset.cpus", value(cpus, "/cpuset.cpus"))
                        .Annotate(field));
  }
  if (mems) {
    RETURN_IF_ERROR(WriteCgroupFile(cpuset_directory_ + "/cpuset.mems", value(mems, "/cpuset.mems"))
                        .Annotate("limits.cpuset_mems"));
  }
  if (existed) return OkStatus();
  for (int pass = 0; pass < 2; ++pass) {
    for (pid_t pid : Pids()) {
      Status moved = WriteCgroupFile(cpuset_directory_ + "/cgroup.procs", std::to_string(pid));
      if (!moved.ok() && ::kill(pid, 0) == 0) return moved.Annotate(field);  // else it exited
    }
  }
  return OkStatus();
}

}  // namespace boxcar
