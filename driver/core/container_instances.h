// Nova instances as containers of one agent: every ComputeDriver call that acts on an
// instance, as one sequence of agent calls each, idempotent where Nova retries (power on a
// running instance, unpause one that is not paused, destroy one that is gone).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/agent_client.h"
#include "core/driver_options.h"
#include "core/node_resources.h"
#include "core/nova_types.h"
#include "core/power_state.h"

namespace boxcar::nova {

// get_info and the power-state sync.
struct InstanceState {
  NovaPowerState power_state = NovaPowerState::kNoState;
  std::string container_id;
  std::string container_state;  // "running", "paused", "exited", "created"
};

// get_diagnostics / get_instance_diagnostics.
struct InstanceDiagnostics {
  InstanceState state;
  int64_t uptime_seconds = 0;
  uint64_t cpu_time_ns = 0;
  uint64_t memory_usage_bytes = 0;
  uint64_t memory_limit_bytes = 0;
  uint32_t cpu_limit_millis = 0;
  uint64_t pids_current = 0;
  uint64_t block_read_bytes = 0;
  uint64_t block_write_bytes = 0;
};

class ContainerInstances {
 public:
  ContainerInstances(AgentClient* agent, const DriverOptions& options)
      : agent_(agent), options_(options) {}

  // Creates and starts the instance's container from `image_id` (InstanceImages::Resolve),
  // with its config drive at /config-drive when the instance has one (config_drive.h).
  // Whatever fails, nothing of it stays in the agent: the container is removed, also when the
  // agent went away midway and comes back within cleanup_retry_for. UNAVAILABLE (or
  // DEADLINE_EXCEEDED) means the agent could not be reached and nothing was left, so another
  // host may take the instance; when the removal itself failed the code is ABORTED instead,
  // since the container may still be there.
  StatusOr<InstanceState> Spawn(const InstanceRequest& instance, const ImageRequest& image,
                                const std::string& image_id);
  // Removes the container, killing its payload, then its config drive; false when there was
  // none.
  StatusOr<bool> Destroy(const std::string& instance_uuid);

  // Stops the payload: the image's stop signal, SIGKILL after `timeout_seconds` (0 = at once).
  Status PowerOff(const std::string& instance_uuid, uint32_t timeout_seconds);
  Status PowerOn(const std::string& instance_uuid);
  // Soft: stop with soft_reboot_timeout_seconds, start. Hard: kill, start.
  Status Reboot(const std::string& instance_uuid, bool hard);
  Status Pause(const std::string& instance_uuid);
  Status Unpause(const std::string& instance_uuid);
  // After the host rebooted: start (or thaw) what Nova thinks should run.
  Status ResumeAfterHostBoot(const std::string& instance_uuid);

  StatusOr<InstanceState> State(const std::string& instance_uuid, const std::string& vm_state);
  // The containers of Nova instances, newest first.
  StatusOr<std::vector<v1::Container>> List();
  // The last console_max_bytes of the payload's stdout and stderr.
  StatusOr<std::string> ConsoleOutput(const std::string& instance_uuid);
  StatusOr<InstanceDiagnostics> Diagnostics(const std::string& instance_uuid,
                                            const std::string& vm_state);
  StatusOr<NodeResources> Node();

  // VIFs of the instance (container_instance_interfaces.cc). Plug: each VIF the container does
  // not have yet is attached (hot when it runs); Unplug: each it has is detached; a container
  // that is gone has nothing to unplug. Attach / Detach: one VIF (attach_interface).
  Status PlugInterfaces(const std::string& instance_uuid, const std::vector<VifRequest>& vifs);
  Status UnplugInterfaces(const std::string& instance_uuid, const std::vector<VifRequest>& vifs);
  Status AttachInterface(const std::string& instance_uuid, const VifRequest& vif);
  Status DetachInterface(const std::string& instance_uuid, const VifRequest& vif);

 private:
  StatusOr<v1::Container> Inspect(const std::string& instance_uuid);
  // Removes `name` until it is gone or cleanup_retry_for passed while the agent is away.
  Status RemoveWithRetry(const std::string& name);
  // A container of this name left by an earlier attempt of the same instance is removed; one
  // of another owner is an error.
  Status RemoveLeftover(const std::string& name, const std::string& instance_uuid);
  // Removes the config drive `container` (gone from the agent) mounted, if any.
  Status RemoveDriveOf(const v1::Container& container, const std::string& instance_uuid);

  AgentClient* agent_;
  DriverOptions options_;
};

// "running", "paused", ...
std::string ContainerStateName(v1::ContainerState state);

// The instance's container; NOT_FOUND names the instance and the container.
StatusOr<v1::Container> InspectInstance(AgentClient* agent, const std::string& instance_uuid);

}  // namespace boxcar::nova
