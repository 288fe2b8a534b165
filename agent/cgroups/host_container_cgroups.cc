#include "cgroups/host_container_cgroups.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include <memory>
#include <set>

#include "cgroups/cgroup_tuning.h"
#include "cgroups/container_cgroup.h"
#include "common/directory_tree.h"

namespace boxcar {

namespace {

CgroupPlacement PlacementOf(const ContainerCgroup& cgroup, bool payload_joins_v1) {
  CgroupPlacement placement;
  placement.clone_into_dir = cgroup.unified_directory();
  if (!payload_joins_v1) return placement;
  for (const auto& directory : cgroup.directories()) {
    if (directory != placement.clone_into_dir)
      placement.procs_files.push_back(directory + "/cgroup.procs");
  }
  return placement;
}

}  // namespace

StatusOr<std::unique_ptr<HostContainerCgroups>> HostContainerCgroups::Create(
    const std::string& parent) {
  ASSIGN_OR_RETURN(CgroupLayout layout, CgroupLayout::Detect());
  return std::unique_ptr<HostContainerCgroups>(new HostContainerCgroups(std::move(layout), parent));
}

StatusOr<CgroupPlacement> HostContainerCgroups::Create(const std::string& container_id,
                                                       const ContainerLimits& limits) {
  ASSIGN_OR_RETURN(ContainerCgroup cgroup,
                   ContainerCgroup::Create(layout_, parent_, container_id, limits));
  return PlacementOf(cgroup, /*payload_joins_v1=*/true);
}

Status HostContainerCgroups::CheckSupported(const ContainerLimits& limits) const {
  RETURN_IF_ERROR(CheckControllersPresent(layout_, limits));
  return CheckTuningSupported(layout_, parent_, limits);
}

bool HostContainerCgroups::AccountsSwap() const { return boxcar::AccountsSwap(layout_, parent_); }

bool HostContainerCgroups::OomKilled(const std::string& container_id) {
  return Open(container_id).OomKilled();
}

Status HostContainerCgroups::Destroy(const std::string& container_id) {
  ContainerCgroup cgroup = Open(container_id);
  if (cgroup.RemoveIfEmpty()) return OkStatus();  // the payload and its helpers are gone
  (void)cgroup.KillAll();
  return cgroup.Remove();
}

Status HostContainerCgroups::Freeze(const std::string& container_id) {
  return Open(container_id).Freeze();
}

Status HostContainerCgroups::Thaw(const std::string& container_id) {
  return Open(container_id).Thaw();
}

StatusOr<CgroupStats> HostContainerCgroups::Stats(const std::string& container_id) {
  return Open(container_id).ReadStats();
}

Status HostContainerCgroups::UpdateLimits(const std::string& container_id,
                                          const CgroupLimitsUpdate& update) {
  return Open(container_id).UpdateLimits(update);
}

Status HostContainerCgroups::CreateSlot(const std::string& slot, pid_t pid) {
  ASSIGN_OR_RETURN(ContainerCgroup cgroup, ContainerCgroup::CreateV1Slot(layout_, parent_, slot));
  Status joined = cgroup.AddProcess(pid);
  if (!joined.ok()) (void)cgroup.Remove();
  return joined;
}

StatusOr<CgroupPlacement> HostContainerCgroups::AdoptSlot(const std::string& slot,
                                                          const std::string& container_id,
                                                          const ContainerLimits& limits) {
  CgroupLimits cgroup_limits = limits;
  if (cgroup_limits.pids_max) ++cgroup_limits.pids_max;  // the prewarmed shim in the slot
  ASSIGN_OR_RETURN(
      ContainerCgroup cgroup,
      ContainerCgroup::AdoptV1Slot(layout_, parent_, slot, container_id, cgroup_limits));
  // The payload is born inside the v1 cgroups (its parent is there) and cloned into cgroup2;
  // a cpuset cgroup, made just now, it joins: one v1 migration instead of one per hierarchy.
  CgroupPlacement placement = PlacementOf(cgroup, /*payload_joins_v1=*/false);
  if (std::string cpuset = cgroup.MadeV1CpusetProcsFile(); !cpuset.empty()) {
    placement.procs_files.push_back(cpuset);
  }
  return placement;
}

Status HostContainerCgroups::RemoveSlot(const std::string& slot) {
  ContainerCgroup cgroup = ContainerCgroup::Open(layout_, parent_, slot);
  (void)cgroup.KillAll();
  return cgroup.Remove();
}

bool HostContainerCgroups::IsOldEnough(const std::string& slot) const {
  constexpr time_t kForeignSlotGraceSeconds = 60;
  for (const auto& [controller, mount] : layout_.v1_mounts) {
    struct stat info;
    if (::stat((mount + "/" + parent_ + "/" + slot).c_str(), &info) != 0) continue;
    if (::time(nullptr) - info.st_mtime < kForeignSlotGraceSeconds) return false;
  }
  return true;
}

Status HostContainerCgroups::RemoveStaleSlots(const std::string& own_prefix) {
  if (!SupportsSlots()) return OkStatus();
  std::set<std::string> slots;
  for (const auto& [controller, mount] : layout_.v1_mounts) {
    for (const auto& name : ListDirectoryNames(mount + "/" + parent_)) {
      if (name.rfind(kSlotPrefix, 0) == 0) slots.insert(name);
    }
  }
  Status result;
  for (const auto& slot : slots) {
    if (slot.rfind(own_prefix, 0) == 0) {
      Status removed = RemoveSlot(slot);
      if (result.ok() && !removed.ok()) result = removed;  // the others are still removed
    } else if (IsOldEnough(slot)) {
      // Another agent's: gone only if nothing is left in it (EBUSY otherwise, ignored). A young
      // one may be between its mkdir and its helper joining it: another agent's, left alone.
      (void)ContainerCgroup::Open(layout_, parent_, slot).RemoveIfEmpty();
    }
  }
  return result;
}

Status HostContainerCgroups::RemoveParentIfEmpty() {
  return RemoveCgroupParentIfEmpty(layout_, parent_);
}

}  // namespace boxcar
