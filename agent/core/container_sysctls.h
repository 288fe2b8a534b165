// A container's namespaced kernel parameters (spec.sysctls, `--sysctl`) and the size of its
// /dev/shm (spec.shm_size_bytes, `--shm-size`): checked at Create against Docker's rules, and
// put into the launch spec, where the backend's shim writes them inside the container.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

// /dev/shm's size when the spec gives none, as Docker's.
inline constexpr uint64_t kDefaultShmSizeBytes = 64ull << 20;

// INVALID_ARGUMENT naming spec.sysctls[KEY] for a key outside Docker's namespaced list, a
// malformed key, or an empty value or one with a line break; spec.shm_size_bytes below a page.
Status ValidateSysctlsAndShmSize(const v1::ContainerSpec& spec);

// INVALID_ARGUMENT naming the first net.* key: on the host's network the container has no
// network namespace of its own, so a net.* value would change the host's.
Status RefuseNetSysctlsOnHostNetwork(const v1::ContainerSpec& spec);

// INVALID_ARGUMENT naming the first net.* key when `shared_network` (--network container:),
// or the first IPC key (kernel.*, fs.mqueue.*) when `shared_ipc` (--ipc host|container:):
// the value would change the namespace of another container or the host's.
Status RefuseSysctlsOfSharedNamespaces(const v1::ContainerSpec& spec, bool shared_network,
                                       bool shared_ipc);

// "KEY=VALUE" for the launch spec, in key order (empty without sysctls).
std::vector<std::string> SysctlLaunchSettings(const v1::ContainerSpec& spec);

}  // namespace boxcar
