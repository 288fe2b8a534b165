#include "core/instance_moves.h"

#include "core/container_instances.h"
#include "core/flavor_limits.h"
#include "core/image_mapping.h"
#include "core/instance_labels.h"

namespace boxcar::nova {

namespace {

bool SameDiskThrottles(const v1::ResourceLimits& current, const v1::ResourceLimits& wanted) {
  if (current.block_devices_size() != wanted.block_devices_size()) return false;
  for (int i = 0; i < current.block_devices_size(); ++i) {
    if (current.block_devices(i).SerializeAsString() !=
        wanted.block_devices(i).SerializeAsString()) {
      return false;
    }
  }
  return true;
}

}  // namespace

StatusOr<std::string> MigrationImageNameFor(const std::string& instance_uuid) {
  RETURN_IF_ERROR(ContainerNameFor(instance_uuid).status());
  return "boxcar-migration-" + instance_uuid;
}

StatusOr<InstanceMoves::InPlacePlan> InstanceMoves::PlanInPlace(const std::string& instance_uuid,
                                                                const FlavorRequest& flavor) {
  InPlacePlan plan;
  ASSIGN_OR_RETURN(plan.container, InspectInstance(agent_, instance_uuid));
  ASSIGN_OR_RETURN(v1::InfoResponse info, agent_->Info());
  ASSIGN_OR_RETURN(plan.limits, LimitsForFlavor(flavor, HostCapacityFor(info, options_)));
  if (!SameDiskThrottles(plan.container.spec().limits(), plan.limits)) {
    return FailedPrecondition(
        "resize of instance " + instance_uuid + " to flavor '" + flavor.name +
        "' on its host: its quota:disk_* extra specs differ from the current flavor's, and a "
        "container keeps its disk throttles from its creation; resize to a flavor with the "
        "same quota:disk_* specs, or let the resize go to another host");
  }
  return plan;
}

Status InstanceMoves::CheckResizeInPlace(const std::string& instance_uuid,
                                         const FlavorRequest& flavor) {
  return PlanInPlace(instance_uuid, flavor).status();
}

Status InstanceMoves::ApplyFlavor(const std::string& instance_uuid, const FlavorRequest& flavor) {
  const std::string what = "apply flavor '" + flavor.name + "' to instance " + instance_uuid;
  auto plan = PlanInPlace(instance_uuid, flavor);
  if (!plan.ok())
    return plan.status().code() == StatusCode::kNotFound ? plan.status()
                                                         : plan.status().Annotate(what);
  const v1::ResourceLimits& limits = plan->limits;
  v1::UpdateContainerRequest update;
  update.set_container(plan->container.id());
  update.set_memory_bytes(limits.memory_bytes());
  // As Create fills it in for a memory limit alone: twice the memory, or -1 where the host
  // does not account swap (the record says which). Left unset, the agent would refuse a
  // memory limit above the old memory+swap limit.
  if (limits.memory_bytes() != 0) {
    update.set_memory_swap_bytes(plan->container.spec().limits().memory_swap_bytes() < 0
                                     ? -1
                                     : static_cast<int64_t>(limits.memory_bytes() * 2));
  }
  update.set_cpu_millis(limits.cpu_millis());
  update.set_pids_max(limits.pids_max());
  update.set_cpu_shares(limits.cpu_shares());
  return agent_->Update(update).status().Annotate(what);
}

StatusOr<std::string> InstanceMoves::CommitForMigration(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance_uuid));
  ASSIGN_OR_RETURN(std::string reference, MigrationImageNameFor(instance_uuid));
  v1::CommitContainerRequest request;
  request.set_container(name);
  request.set_reference(reference);
  request.set_message("migration of instance " + instance_uuid);
  request.set_pause(false);  // stopped already
  auto committed = agent_->Commit(request);
  if (!committed.ok()) {
    return committed.status().Annotate("commit the container of instance " + instance_uuid +
                                       " for its migration");
  }
  return committed->image_id();
}

Status InstanceMoves::RemoveMigrationImage(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(std::string reference, MigrationImageNameFor(instance_uuid));
  Status removed = agent_->RemoveImage(reference, /*force=*/false);
  if (removed.ok() || removed.code() == StatusCode::kNotFound) return OkStatus();
  return removed.Annotate("remove the migration image " + reference + " of instance " +
                          instance_uuid);
}

Status InstanceMoves::ForgetImage(const ImageRequest& image) {
  ASSIGN_OR_RETURN(std::string reference, CacheReferenceFor(image));
  Status removed = agent_->RemoveImage(reference, /*force=*/true);
  if (removed.ok() || removed.code() == StatusCode::kNotFound) return OkStatus();
  return removed.Annotate("untag " + reference + " (the migration's Glance image " + image.id +
                          ")");
}

}  // namespace boxcar::nova
