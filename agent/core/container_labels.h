// Labels a client attaches to a container (ContainerSpec.labels): checked at Create, then kept
// in the container's record like the rest of its spec.
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

inline constexpr size_t kMaxContainerLabels = 64;
inline constexpr size_t kMaxLabelKeyLength = 128;
inline constexpr size_t kMaxLabelValueBytes = 4096;

// Refuses, naming `field` and the key, too many labels, an empty or overlong key, a key with
// characters outside [A-Za-z0-9._/-], and a value over 4096 bytes.
Status ValidateContainerLabels(const google::protobuf::Map<std::string, std::string>& labels,
                               const std::string& field);

}  // namespace boxcar
