// The checks of what callers ask of containers, one of each for every call that takes it:
// Create's spec, Update's limits, Exec's and Commit's env and working directory. Each error
// names the request field (the caller passes its prefix) and says what would be accepted.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.h"
#include "boxcar/v1/containers.pb.h"
#include "cgroups/cgroup_limits.h"
#include "common/env_entries.h"
#include "common/user_spec.h"
#include "core/host_id_blocks.h"

namespace boxcar {

// An absolute path.
Status ValidateAbsolutePath(const std::string& path, const std::string& field);
Status ValidateRestartPolicy(const v1::RestartPolicy& policy, const std::string& field);
// Memory (4 MiB minimum), CPU (10 millis up to this host's CPUs) and pids values, 0 meaning
// unlimited; `field` is the prefix of their names ("spec.limits", "limits").
Status ValidateLimitValues(const std::string& field, uint64_t memory_bytes, uint64_t cpu_millis,
                           uint64_t pids_max, uint64_t cpu_shares);
// The major:minor of each block-device limit; each must name a whole-disk block device node,
// at most once. Resolved again at every start: a device node may change.
StatusOr<std::vector<BlockDeviceThrottle>> BlockDeviceThrottles(const v1::ResourceLimits& limits,
                                                                const std::string& field);

// The backend `name`, if this agent has it and it is available (its daemon or library there);
// errors name `field` and list the backends there are.
StatusOr<Backend*> AvailableBackend(const BackendMap& backends, const std::string& name,
                                    const std::string& field);

// Everything Create checks before it touches anything: the spec's own fields, then that its
// backend exists here, is available and has the capabilities the spec needs.
Status ValidateContainerSpec(const v1::ContainerSpec& spec, const BackendMap& backends,
                             const std::string& default_backend, const HostIdRange& userns_range);

}  // namespace boxcar
