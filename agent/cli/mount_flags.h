// The mount flags of `create` and `run`, as Docker spells them, into ContainerSpec.mounts:
//   -v, --volume  HOST_PATH:CTR_PATH[:ro|rw], NAME:CTR_PATH[:ro|rw] or CTR_PATH (anonymous)
//   --tmpfs       CTR_PATH[:size=64m,mode=1777]
//   --mount       type=bind|volume|tmpfs,source=..,target=..[,readonly][,tmpfs-size=..][,tmpfs-mode=..]
// Errors are INVALID_ARGUMENT naming the flag and its value.
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

StatusOr<v1::Mount> ParseVolumeFlag(const std::string& text);
StatusOr<v1::Mount> ParseTmpfsFlag(const std::string& text);
StatusOr<v1::Mount> ParseMountFlag(const std::string& text);

}  // namespace boxcar::cli
