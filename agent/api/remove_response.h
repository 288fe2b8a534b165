// A removed container as the Remove call answers it, over gRPC (api/containers_api.h) and over
// the local fast path (api/local_api.h) alike.
#pragma once

#include "boxcar/v1/containers.pb.h"

namespace boxcar {

inline v1::RemoveContainerResponse RemoveResponseOf(const v1::Container& removed) {
  v1::RemoveContainerResponse response;
  response.set_id(removed.id());
  response.set_exit_code(removed.exit_code());
  response.set_exit_signal(removed.exit_signal());
  response.set_oom_killed(removed.oom_killed());
  return response;
}

}  // namespace boxcar
