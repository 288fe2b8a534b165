// Placement of a container's user namespace in the agent's range of host ids
// (--userns-range): a block of `size` uids and the same-sized block of gids that no other
// container holds. Pure: the caller passes the blocks other containers hold.
#pragma once

#include <cstdint>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"
#include "common/user_namespace.h"

namespace boxcar {

// Host ids the agent hands out to containers' user namespaces (--userns-range FIRST:COUNT).
struct HostIdRange {
  uint64_t first = 0;
  uint64_t count = 0;  // 0: no range, containers cannot have a user namespace
};

// Host ids a container holds, [first, first + size); uid and gid blocks alike.
struct HostIdBlock {
  uint64_t first = 0;
  uint64_t size = 0;
};

inline constexpr uint32_t kDefaultUserNamespaceSize = 65536;

// The block asked for (`wanted.host_uid`/`host_gid` set), checked against the range and the
// taken blocks, or else the lowest free one of `size` (default 65536). Errors name
// "spec.userns".
StatusOr<v1::UserNamespace> PlaceHostIdBlock(const HostIdRange& range,
                                             const std::vector<HostIdBlock>& taken,
                                             const v1::UserNamespace& wanted);

// The host ids of a container's user namespace as the snapshotter and launcher take them
// (no mapping without one).
inline IdMapping IdMappingOf(const v1::ContainerSpec& spec) {
  if (!spec.has_userns()) return {};
  return {spec.userns().host_uid(), spec.userns().host_gid(), spec.userns().size()};
}

// The uid and gid blocks of a container's user namespace (none without one).
void AppendHostIdBlocks(const v1::ContainerSpec& spec, std::vector<HostIdBlock>* taken);

}  // namespace boxcar
