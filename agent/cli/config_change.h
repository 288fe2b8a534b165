// Docker's `--change` of `commit` and `import`: one Dockerfile instruction that sets a config
// field of the new image ("CMD [\"sh\"]", "CMD sh -c x", "ENTRYPOINT ...", "ENV K=V",
// "WORKDIR /x", "USER u").
#pragma once

#include <string>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/images.pb.h"
#include "common/status.h"

namespace boxcar::cli {

// Applies `change` to `changes`; INVALID_ARGUMENT naming --change and the accepted forms when
// it is none of them.
Status ParseConfigChange(const std::string& change, v1::CommitChanges* changes);

// The config an import gives a rootfs tarball: `config` with what `changes` sets replacing it
// (ENV entries added).
void ApplyConfigChanges(const v1::CommitChanges& changes, v1::ImageConfig* config);

}  // namespace boxcar::cli
