// The capabilities a container keeps: the default set (launch_spec.h's
// kDefaultKeptCapabilities, Docker's without MKNOD) with the spec's cap_drop taken out, then
// its cap_add put in, as `docker run --cap-drop/--cap-add` (Docker's TweakCapabilities): an
// add of ALL keeps every capability of the kernel but the drops, a drop of ALL keeps only the
// adds. Names as Docker takes them: "NET_ADMIN", "CAP_NET_ADMIN", "net_admin".
#pragma once

#include <cstdint>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

// The mask of capability numbers; an unknown name is INVALID_ARGUMENT naming
// spec.cap_add[i] / spec.cap_drop[i].
StatusOr<uint64_t> KeptCapabilitiesOf(const v1::ContainerSpec& spec);

}  // namespace boxcar
