// The VIFs of an instance: Nova's plug_vifs / unplug_vifs (every VIF of network_info) and
// attach_interface / detach_interface (one), as Networks.AttachInterface / DetachInterface
// calls on the instance's container. Plug and unplug are idempotent, as Nova retries them.
#include <algorithm>

#include "core/container_instances.h"
#include "core/vif_mapping.h"

namespace boxcar::nova {

namespace {

bool HasInterface(const v1::Container& container, const std::string& host_interface) {
  return std::any_of(container.interfaces().begin(), container.interfaces().end(),
                     [&](const v1::VifSpec& vif) { return vif.host_interface() == host_interface; });
}

}  // namespace

Status ContainerInstances::PlugInterfaces(const std::string& instance_uuid,
                                          const std::vector<VifRequest>& vifs) {
  ASSIGN_OR_RETURN(auto plans, PlanInterfaces(vifs));
  if (plans.empty()) return OkStatus();
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  for (const auto& plan : plans) {
    if (HasInterface(container, plan.host_ifname)) continue;
    RETURN_IF_ERROR(agent_->AttachInterface(container.id(), VifSpecFor(plan, ""))
                        .status()
                        .Annotate("plug port " + plan.port_id + " into instance " + instance_uuid));
  }
  return OkStatus();
}

Status ContainerInstances::UnplugInterfaces(const std::string& instance_uuid,
                                            const std::vector<VifRequest>& vifs) {
  ASSIGN_OR_RETURN(auto plans, PlanInterfaces(vifs));
  if (plans.empty()) return OkStatus();
  auto container = Inspect(instance_uuid);
  if (!container.ok() && container.status().code() == StatusCode::kNotFound) return OkStatus();
  if (!container.ok()) return container.status();
  for (const auto& plan : plans) {
    if (!HasInterface(*container, plan.host_ifname)) continue;
    Status detached = agent_->DetachInterface(container->id(), plan.host_ifname);
    if (!detached.ok() && detached.code() != StatusCode::kNotFound) {
      return detached.Annotate("unplug port " + plan.port_id + " from instance " + instance_uuid);
    }
  }
  return OkStatus();
}

Status ContainerInstances::AttachInterface(const std::string& instance_uuid,
                                           const VifRequest& vif) {
  ASSIGN_OR_RETURN(auto plans, PlanInterfaces({vif}));
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (HasInterface(container, plans[0].host_ifname)) {
    return AlreadyExists("instance " + instance_uuid + " already has port " + vif.id + " (" +
                         plans[0].host_ifname + ")");
  }
  return agent_->AttachInterface(container.id(), VifSpecFor(plans[0], ""))
      .status()
      .Annotate("attach port " + vif.id + " to instance " + instance_uuid);
}

Status ContainerInstances::DetachInterface(const std::string& instance_uuid,
                                           const VifRequest& vif) {
  ASSIGN_OR_RETURN(auto plans, PlanInterfaces({vif}));
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (!HasInterface(container, plans[0].host_ifname)) {
    return NotFound("instance " + instance_uuid + " has no port " + vif.id + " (" +
                    plans[0].host_ifname + ") attached");
  }
  return agent_->DetachInterface(container.id(), plans[0].host_ifname)
      .Annotate("detach port " + vif.id + " from instance " + instance_uuid);
}

}  // namespace boxcar::nova
