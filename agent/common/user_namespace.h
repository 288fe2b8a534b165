// A container's user namespace: one block of ids mapped to unprivileged ids of the host, so
// that root inside is an ordinary uid outside. Shared by the agent (idmapped layers, commit)
// and the shims (maps written for the container's init).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// Ids 0..size-1 inside are host_uid.. and host_gid.. on the host. size 0: no user namespace
// (the container shares the host's ids).
struct IdMapping {
  uint32_t host_uid = 0;
  uint32_t host_gid = 0;
  uint32_t size = 0;

  bool enabled() const { return size != 0; }
  // The uid_map / gid_map lines ("0 <host> <size>\n").
  std::string UidMapLine() const;
  std::string GidMapLine() const;
};

// Writes /proc/<pid>/uid_map and gid_map of a process that was cloned into a new user
// namespace and waits for its maps (the caller needs CAP_SETUID / CAP_SETGID on the host).
Status WriteIdMaps(pid_t pid, const IdMapping& mapping);

// A user namespace with `mapping` that no process uses, for idmapped mounts
// (mount_setattr(MOUNT_ATTR_IDMAP) takes the mapping from a namespace descriptor). A child
// sharing the caller's memory is cloned into a new namespace, mapped and killed again.
StatusOr<UniqueFd> OpenUserNamespace(const IdMapping& mapping);

}  // namespace boxcar
