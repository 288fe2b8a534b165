// Docker's --privileged and --security-opt for one container (ContainerSpec.privileged and
// security_opt): how its payload and every exec are confined beyond the bounding set
// (launch_spec.h's ProcessConfinement). Errors name "spec.security_opt[i]".
#pragma once

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

// What the options ask for, read at every start and exec (a profile is taken as it is:
// ValidateSecurityOptions has compiled it at Create). privileged: no seccomp filter.
StatusOr<ProcessConfinement> ConfinementOf(const v1::ContainerSpec& spec);

// The index of the option giving a seccomp profile of the container's own (for a backend with
// the capability "seccomp-profile"), or -1.
int SeccompProfileOptionIndex(const v1::ContainerSpec& spec);

// At Create: every option known, a seccomp profile compiled for the container's capabilities
// (`kept_capabilities`), privileged not with a user namespace.
Status ValidateSecurityOptions(const v1::ContainerSpec& spec, uint64_t kept_capabilities);

// At Create, for a backend without "seccomp-every-action" (lxc): the profile at option
// `index` uses only SeccompBasicActions() for this container, else INVALID_ARGUMENT naming
// `field`, the place and the backend.
Status CheckSeccompBasicActions(const v1::ContainerSpec& spec, uint64_t kept_capabilities,
                                int index, const std::string& field,
                                const std::string& backend_name);

}  // namespace boxcar
