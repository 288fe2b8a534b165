// A container's network namespace pinned by a bind mount on a file under the agent's root
// (<root>/cni/netns/<id>), the path CNI_NETNS names. It keeps the namespace alive after the
// payload and its shim are gone, so DEL always runs before the namespace goes (bridge 1.1.1's
// DEL after the namespace is gone leaks its masquerade chain) — also after the agent was
// killed and a container exited meanwhile: start-up DELs, then unpins.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"

namespace boxcar {

Status PinNetworkNamespace(pid_t pid, const std::string& path);
// Unmounts and removes the pin; an absent one is fine.
Status UnpinNetworkNamespace(const std::string& path);

}  // namespace boxcar
