#include "core/host_container_cgroups.h"

#include "cgroups/container_cgroup.h"

namespace boxcar {

StatusOr<std::unique_ptr<HostContainerCgroups>> HostContainerCgroups::Create(const std::string& parent) {
  ASSIGN_OR_RETURN(CgroupLayout layout, CgroupLayout::Detect());
  return std::unique_ptr<HostContainerCgroups>(new HostContainerCgroups(std::move(layout), parent));
}

StatusOr<CgroupPlacement> HostContainerCgroups::Create(const std::string& container_id,
                                                       const ContainerLimits& limits) {
  CgroupLimits cgroup_limits;
  cgroup_limits.memory_bytes = limits.memory_bytes;
  cgroup_limits.cpu_millis = limits.cpu_millis;
  cgroup_limits.pids_max = limits.pids_max;
  ASSIGN_OR_RETURN(ContainerCgroup cgroup,
                   ContainerCgroup::Create(layout_, parent_, container_id, cgroup_limits));
  CgroupPlacement placement;
  placement.clone_into_dir = cgroup.unified_directory();
  for (const auto& directory : cgroup.directories()) {
    if (directory != placement.clone_into_dir) placement.procs_files.push_back(directory + "/cgroup.procs");
  }
  return placement;
}

bool HostContainerCgroups::OomKilled(const std::string& container_id) {
  return ContainerCgroup::Open(layout_, parent_, container_id).OomKilled();
}

Status HostContainerCgroups::Destroy(const std::string& container_id) {
  ContainerCgroup cgroup = ContainerCgroup::Open(layout_, parent_, container_id);
  (void)cgroup.KillAll();
  return cgroup.Remove();
}

Status HostContainerCgroups::RemoveParentIfEmpty() {
  return RemoveCgroupParentIfEmpty(layout_, parent_);
}

}  // namespace boxcar
