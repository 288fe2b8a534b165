// ContainerCgroups on the host's real cgroup hierarchies, under one parent per agent.
#pragma once

#include <memory>

#include "cgroups/cgroup_layout.h"
#include "cgroups/container_cgroups.h"

namespace boxcar {

class HostContainerCgroups : public ContainerCgroups {
 public:
  static StatusOr<std::unique_ptr<HostContainerCgroups>> Create(const std::string& parent);

  StatusOr<CgroupPlacement> Create(const std::string& container_id,
                                   const ContainerLimits& limits) override;
  Status CheckSupported(const ContainerLimits& limits) const override;
  bool AccountsSwap() const override;
  bool OomKilled(const std::string& container_id) override;
  Status Destroy(const std::string& container_id) override;
  Status Freeze(const std::string& container_id) override;
  Status Thaw(const std::string& container_id) override;
  StatusOr<CgroupStats> Stats(const std::string& container_id) override;
  Status UpdateLimits(const std::string& container_id, const CgroupLimitsUpdate& update) override;
  bool SupportsSlots() const override { return layout_.mode != CgroupMode::kV2; }
  Status CreateSlot(const std::string& slot, pid_t pid) override;
  StatusOr<CgroupPlacement> AdoptSlot(const std::string& slot, const std::string& container_id,
                                      const ContainerLimits& limits) override;
  Status RemoveSlot(const std::string& slot) override;
  Status RemoveStaleSlots(const std::string& own_prefix) override;
  std::string ModeName() const override { return layout_.ModeName(); }
  const std::string& parent() const override { return parent_; }
  // Removes the agent's parent cgroups when no container is left (agent shutdown).
  Status RemoveParentIfEmpty();

 private:
  HostContainerCgroups(CgroupLayout layout, std::string parent)
      : layout_(std::move(layout)), parent_(std::move(parent)) {}
  ContainerCgroup Open(const std::string& container_id) const {
    return ContainerCgroup::Open(layout_, parent_, container_id);
  }
  // True when another agent's `slot` is at least a minute old: a younger empty one may be
  // between its creation and its helper joining it.
  bool IsOldEnough(const std::string& slot) const;
  CgroupLayout layout_;
  std::string parent_;
};

}  // namespace boxcar
