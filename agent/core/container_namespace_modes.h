// Docker's namespace modes of a container spec: spec.network.mode "container:NAME|ID",
// spec.pid_mode ("" | host | container:), spec.ipc_mode ("" | private | shareable | host |
// container:), spec.uts_mode ("" | host). What the spec alone can tell is checked here at
// Create (values, and the fields that cannot apply, as Docker refuses them); the other
// container is looked up by ContainerService (container_namespace_sharing.cc).
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

inline constexpr const char* kContainerModePrefix = "container:";

// The name or id after "container:", or "" for a mode of another kind.
std::string ContainerOfMode(const std::string& mode);

// One namespace a spec shares with another container, by its field.
struct SharedNamespaceField {
  const char* type;   // "net", "pid", "ipc"
  const char* field;  // "spec.network.mode", "spec.pid_mode", "spec.ipc_mode"
  std::string mode;   // the field's value
};
// The spec's modes naming another container, in the order net, pid, ipc.
std::vector<SharedNamespaceField> ContainerModesOf(const v1::ContainerSpec& spec);

// The field of the first mode sharing a namespace (another container's or the host's, the
// network's "host" aside: that one is older and not a backend capability), or "".
std::string FirstSharingField(const v1::ContainerSpec& spec);

// INVALID_ARGUMENT naming the field: a mode Docker does not know, an empty container name,
// and with network container: any of ports, publish_all, ip, mac, dns*, extra_hosts, aliases,
// vif or hostname; hostname with uts host; a user namespace with a container: mode; net.*
// or IPC sysctls whose namespace is shared.
Status ValidateNamespaceModes(const v1::ContainerSpec& spec);

}  // namespace boxcar
