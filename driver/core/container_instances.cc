#include "core/container_instances.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/config_drive.h"
#include "core/flavor_limits.h"
#include "core/image_mapping.h"
#include "core/instance_labels.h"
#include "core/vif_mapping.h"

namespace boxcar::nova {

namespace {

bool AgentAway(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded;
}

// A spawn that failed and could not remove its container: never UNAVAILABLE, which tells
// the caller that nothing was left and the instance may go to another host.
Status CleanUpFailed(const Status& failed, const std::string& clean_up) {
  StatusCode code = AgentAway(failed) ? StatusCode::kAborted : failed.code();
  return Status(code, failed.message() + " " + clean_up);
}

bool IsUp(const v1::Container& container) {
  return container.state() == v1::CONTAINER_STATE_RUNNING ||
         container.state() == v1::CONTAINER_STATE_PAUSED;
}

// The host directory of the container's config drive (its mount at /config-drive); empty when
// it has none.
std::string ConfigDriveOf(const v1::Container& container) {
  for (const auto& mount : container.spec().mounts()) {
    if (mount.type() == v1::Mount::TYPE_BIND && mount.target() == kConfigDriveTarget) {
      return mount.source();
    }
  }
  return "";
}

InstanceState StateOf(const v1::Container& container, const std::string& vm_state) {
  InstanceState state;
  state.power_state = PowerStateFor(container, vm_state);
  state.container_id = container.id();
  state.container_state = ContainerStateName(container.state());
  return state;
}

}  // namespace

std::string ContainerStateName(v1::ContainerState state) {
  switch (state) {
    case v1::CONTAINER_STATE_CREATED:
      return "created";
    case v1::CONTAINER_STATE_RUNNING:
      return "running";
    case v1::CONTAINER_STATE_EXITED:
      return "exited";
    case v1::CONTAINER_STATE_PAUSED:
      return "paused";
    default:
      return "unknown";
  }
}

StatusOr<v1::Container> InspectInstance(AgentClient* agent, const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance_uuid));
  auto container = agent->Inspect(name);
  if (!container.ok() && container.status().code() == StatusCode::kNotFound)
    return NotFound("instance " + instance_uuid + ": no container '" + name + "' in the agent");
  return container;
}

StatusOr<v1::Container> ContainerInstances::Inspect(const std::string& instance_uuid) {
  return InspectInstance(agent_, instance_uuid);
}

Status ContainerInstances::RemoveWithRetry(const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + options_.cleanup_retry_for;
  for (;;) {
    Status removed = agent_->Remove(name, /*force=*/true);
    if (removed.ok() || removed.code() == StatusCode::kNotFound) return OkStatus();
    if (!AgentAway(removed) || std::chrono::steady_clock::now() >= deadline) return removed;
    if (options_.sleep) {
      options_.sleep(options_.cleanup_retry_interval);
    } else {
      std::this_thread::sleep_for(options_.cleanup_retry_interval);
    }
  }
}

Status ContainerInstances::RemoveLeftover(const std::string& name,
                                          const std::string& instance_uuid) {
  auto existing = agent_->Inspect(name);
  if (!existing.ok())
    return existing.status().code() == StatusCode::kNotFound ? OkStatus() : existing.status();
  if (InstanceUuidOf(*existing) != instance_uuid) {
    return AlreadyExists("container '" + name + "' exists and is not instance " + instance_uuid +
                         "'s; remove it with `boxcar rm -f " + name + "`");
  }
  RETURN_IF_ERROR(
      agent_->Remove(name, /*force=*/true).Annotate("remove the leftover container " + name));
  return RemoveDriveOf(*existing, instance_uuid);
}

Status ContainerInstances::RemoveDriveOf(const v1::Container& container,
                                         const std::string& instance_uuid) {
  const std::string drive = ConfigDriveOf(container);
  if (drive.empty()) return OkStatus();
  return RemoveConfigDrive(options_.instances_path, instance_uuid, drive);
}

StatusOr<InstanceState> ContainerInstances::Spawn(const InstanceRequest& instance,
                                                  const ImageRequest& image,
                                                  const std::string& image_id) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance.uuid));
  // VIFs Boxcar cannot plug (an OVS port, say) fail the boot, or with allow_unplugged_vifs
  // leave the instance with loopback only.
  auto interfaces = PlanInterfaces(instance.vifs);
  if (!interfaces.ok()) {
    if (!options_.allow_unplugged_vifs) {
      return interfaces.status().Annotate(
          "instance " + instance.uuid +
          " (boot with ports on a linuxbridge network, --nic none, or set [boxcar] "
          "allow_unplugged_vifs = true to start it with loopback only)");
    }
    interfaces = std::vector<InterfacePlan>();
  }
  ASSIGN_OR_RETURN(v1::InfoResponse info, agent_->Info());
  ASSIGN_OR_RETURN(v1::ResourceLimits limits,
                   LimitsForFlavor(instance.flavor, HostCapacityFor(info, options_)));
  ASSIGN_OR_RETURN(std::vector<std::string> command, CommandFor(image));

  v1::ContainerSpec spec;
  spec.set_image(image_id);
  spec.set_name(name);
  for (auto& word : command) spec.add_command(std::move(word));
  for (auto& entry : EnvironmentFor(instance.metadata)) spec.add_env(std::move(entry));
  spec.set_hostname(ContainerHostnameFor(instance.hostname));
  spec.set_backend(options_.backend);
  // The instance's network is what Neutron gave it, never the agent's default network.
  spec.mutable_network()->set_mode("none");
  *spec.mutable_limits() = limits;
  for (const auto& [key, value] : LabelsFor(instance, image)) (*spec.mutable_labels())[key] = value;

  RETURN_IF_ERROR(RemoveLeftover(name, instance.uuid));
  std::string drive;
  if (!instance.config_drive_files.empty()) {
    ASSIGN_OR_RETURN(drive, WriteConfigDrive(options_.instances_path, instance.uuid,
                                             instance.config_drive_files));
    v1::Mount* mount = spec.add_mounts();
    mount->set_type(v1::Mount::TYPE_BIND);
    mount->set_source(drive);
    mount->set_target(kConfigDriveTarget);
    mount->set_read_only(true);
  }
  // Once the container is known to be gone, so goes its config drive.
  auto drive_gone = [&](Status failed) {
    if (!drive.empty()) (void)RemoveConfigDrive(options_.instances_path, instance.uuid, drive);
    return failed;
  };
  auto created = agent_->Create(spec);
  if (!created.ok()) {
    Status failed = created.status().Annotate("create the container of instance " + instance.uuid);
    // The agent may have created it before it went away.
    if (AgentAway(created.status())) {
      Status cleaned = RemoveWithRetry(name);
      if (!cleaned.ok())
        return CleanUpFailed(failed, "(clean-up failed: " + cleaned.message() + ")");
    }
    return drive_gone(failed);
  }
  Status plugged = OkStatus();
  for (const auto& plan : *interfaces) {
    plugged = agent_->AttachInterface(name, VifSpecFor(plan, plan.container_ifname))
                  .status()
                  .Annotate("attach port " + plan.port_id + " to instance " + instance.uuid);
    if (!plugged.ok()) break;
  }
  auto started = plugged.ok() ? agent_->Start(name) : StatusOr<v1::Container>(plugged);
  if (!started.ok()) {
    Status failed = plugged.ok() ? started.status().Annotate("start the container of instance " +
                                                             instance.uuid)
                                 : plugged;
    Status cleaned = RemoveWithRetry(name);
    if (!cleaned.ok()) {
      return CleanUpFailed(
          failed, "(and removing container " + name + " failed: " + cleaned.message() + ")");
    }
    return drive_gone(failed);
  }
  return StateOf(*started, instance.vm_state);
}

StatusOr<bool> ContainerInstances::Destroy(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance_uuid));
  // The spec names the container's config drive; it goes after the container.
  auto container = agent_->Inspect(name);
  if (!container.ok() && container.status().code() == StatusCode::kNotFound) return false;
  RETURN_IF_ERROR(container.status().Annotate("destroy instance " + instance_uuid));
  Status removed = agent_->Remove(name, /*force=*/true);
  if (removed.code() == StatusCode::kNotFound) return false;
  RETURN_IF_ERROR(removed.Annotate("destroy instance " + instance_uuid));
  RETURN_IF_ERROR(
      RemoveDriveOf(*container, instance_uuid).Annotate("destroy instance " + instance_uuid));
  return true;
}

Status ContainerInstances::PowerOff(const std::string& instance_uuid, uint32_t timeout_seconds) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (!IsUp(container)) return OkStatus();
  return agent_->Stop(container.id(), timeout_seconds)
      .status()
      .Annotate("power off instance " + instance_uuid);
}

Status ContainerInstances::PowerOn(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (container.state() == v1::CONTAINER_STATE_RUNNING) return OkStatus();
  if (container.state() == v1::CONTAINER_STATE_PAUSED) {
    return agent_->Unpause(container.id()).status().Annotate("power on instance " + instance_uuid);
  }
  return agent_->Start(container.id()).status().Annotate("power on instance " + instance_uuid);
}

Status ContainerInstances::Reboot(const std::string& instance_uuid, bool hard) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  const std::string what =
      std::string(hard ? "hard" : "soft") + " reboot of instance " + instance_uuid;
  if (IsUp(container)) {
    uint32_t timeout = hard ? 0 : options_.soft_reboot_timeout_seconds;
    RETURN_IF_ERROR(agent_->Stop(container.id(), timeout).status().Annotate(what));
  }
  return agent_->Start(container.id()).status().Annotate(what);
}

Status ContainerInstances::Pause(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (container.state() == v1::CONTAINER_STATE_PAUSED) return OkStatus();
  return agent_->Pause(container.id()).status().Annotate("pause instance " + instance_uuid);
}

Status ContainerInstances::Unpause(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  if (container.state() != v1::CONTAINER_STATE_PAUSED) return OkStatus();
  return agent_->Unpause(container.id()).status().Annotate("unpause instance " + instance_uuid);
}

Status ContainerInstances::ResumeAfterHostBoot(const std::string& instance_uuid) {
  return PowerOn(instance_uuid);
}

StatusOr<InstanceState> ContainerInstances::State(const std::string& instance_uuid,
                                                  const std::string& vm_state) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  return StateOf(container, vm_state);
}

StatusOr<std::vector<v1::Container>> ContainerInstances::List() {
  ASSIGN_OR_RETURN(std::vector<v1::Container> all, agent_->List());
  std::vector<v1::Container> instances;
  for (auto& container : all) {
    if (IsInstanceContainer(container)) instances.push_back(std::move(container));
  }
  return instances;
}

StatusOr<std::string> ContainerInstances::ConsoleOutput(const std::string& instance_uuid) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance_uuid));
  // Only the tail Nova shows: the agent reads it backwards from the end, so a container with
  // 100 MB of logs answers as fast as one with 100 KiB.
  auto output = agent_->Logs(name, options_.console_max_bytes);
  if (!output.ok() && output.status().code() == StatusCode::kNotFound)
    return NotFound("instance " + instance_uuid + ": no container '" + name + "' in the agent");
  if (!output.ok()) return output.status();
  if (output->size() > options_.console_max_bytes)
    return output->substr(output->size() - options_.console_max_bytes);
  return output;
}

StatusOr<InstanceDiagnostics> ContainerInstances::Diagnostics(const std::string& instance_uuid,
                                                              const std::string& vm_state) {
  ASSIGN_OR_RETURN(v1::Container container, Inspect(instance_uuid));
  InstanceDiagnostics diagnostics;
  diagnostics.state = StateOf(container, vm_state);
  diagnostics.memory_limit_bytes = container.spec().limits().memory_bytes();
  diagnostics.cpu_limit_millis = static_cast<uint32_t>(container.spec().limits().cpu_millis());
  if (!IsUp(container)) return diagnostics;
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  diagnostics.uptime_seconds =
      std::max<int64_t>(0, (now - container.started_unix_ns()) / 1000000000);
  ASSIGN_OR_RETURN(v1::ContainerStats stats, agent_->Stats(container.id()));
  diagnostics.cpu_time_ns = stats.cpu_usage_ns();
  diagnostics.memory_usage_bytes = stats.memory_usage_bytes();
  diagnostics.pids_current = stats.pids_current();
  diagnostics.block_read_bytes = stats.block_read_bytes();
  diagnostics.block_write_bytes = stats.block_write_bytes();
  return diagnostics;
}

StatusOr<NodeResources> ContainerInstances::Node() {
  ASSIGN_OR_RETURN(v1::InfoResponse info, agent_->Info());
  ASSIGN_OR_RETURN(std::vector<v1::Container> containers, agent_->List());
  return NodeResourcesFor(info, containers);
}

}  // namespace boxcar::nova
