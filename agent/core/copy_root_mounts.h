// The root a `boxcar cp` of a stopped container works in: its mounted snapshot with its volumes
// and bind mounts attached, as its payload saw them (Docker's cp shows them too). The mounts
// are attached below a private detached clone of the snapshot (open_tree), never in the agent's
// mount namespace: nothing shows on the host, and closing the descriptor unmounts them all.
// Its tmpfs mounts are left out: their contents went with the payload.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "common/user_namespace.h"
#include "launch/launch_spec.h"

namespace boxcar {

// A directory descriptor of the root; without binds or volumes, the snapshot itself.
// Attaching below a detached tree needs Linux 6.15: before, the error says so.
StatusOr<UniqueFd> OpenRootWithMounts(const std::string& rootfs_dir,
                                      const std::vector<LaunchMount>& mounts,
                                      const IdMapping& userns);

}  // namespace boxcar
