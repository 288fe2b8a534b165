// The mount namespace in which the lxc shim and LXC's monitor run: a private copy of the host's
// in which liblxc
//  * finds no cgroup hierarchy, so it neither creates nor removes cgroups of its own and the
//    payload stays in the agent's cgroups, which the monitor joins (see lxc_config.cc);
//  * keeps its lock files (/run/lxc/lock/<lxcpath>/...) on a private tmpfs at /run, which
//    vanishes with the namespace, so nothing is left on the host;
//  * does not pin other containers' rootfs mounts for as long as this container runs.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// Moves the calling process into such a namespace. `rootfs_dir` (the container's own rootfs
// mount, kept) and `lxcpath` must not lie under /run. Descriptors opened before the call, for
// example on cgroup.procs files, stay usable.
Status EnterLxcMountNamespace(const std::string& rootfs_dir, const std::string& lxcpath);

// For a container with a user namespace, once in that namespace: LXC checks as container root
// that it can search lxcpath, and binds the rootfs from inside the container's namespaces,
// where the agent's directories above both (0700, host root's) are closed to that root. Both
// get a path on the private /run instead: an empty lxcpath (LXC writes nothing there; its log
// is the shim's) and a bind of the rootfs below it.
struct UserNamespacePaths {
  std::string lxcpath;
  std::string rootfs_dir;
};
StatusOr<UserNamespacePaths> MakeUserNamespacePaths(const std::string& rootfs_dir);

}  // namespace boxcar
