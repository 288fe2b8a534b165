// The host device nodes a container is given (spec.devices, `--device`): each checked against
// the host's node at Create and resolved again at every start (a node may change), and the
// device cgroup rules that follow: Docker's defaults plus each mapping with its permissions.
#pragma once

#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "cgroups/device_rules.h"
#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

struct ContainerDevices {
  std::vector<LaunchDevice> nodes;  // made inside the container by its backend
  std::vector<DeviceRule> rules;    // the container's whole device cgroup
};

// INVALID_ARGUMENT naming spec.devices[i] when a host path is not a character or block device
// here, a container path is not absolute, or the permissions are not some of "rwm".
StatusOr<ContainerDevices> ResolveContainerDevices(const v1::ContainerSpec& spec);

}  // namespace boxcar
