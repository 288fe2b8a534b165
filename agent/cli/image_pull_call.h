// One Distribution.Pull call with its per-layer progress on stderr: what `boxcar image pull`
// does, and what `run`/`create` do for an image they do not have (cli/image_pull_policy.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include "boxcar/v1/distribution.pb.h"
#include "cli/agent_connection.h"

namespace boxcar::cli {

// Streams the pull, drawing progress unless `quiet`; `pulled` gets the stored image.
grpc::Status PullImage(AgentConnection& agent, const v1::PullRequest& request, bool quiet,
                       v1::Image* pulled);

}  // namespace boxcar::cli
