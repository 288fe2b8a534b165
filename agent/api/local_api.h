// Adapter of the CLI's local fast path (proto/boxcar/v1/local.proto) over the ContainerService,
// as ContainersApi is gRPC's: a LocalRequest's bytes in, the service's answer as a
// LocalResponse's bytes out, no logic of its own. The transport is api/local_socket_server.h.
#pragma once

#include <string>

#include "boxcar/v1/local.pb.h"
#include "common/status.h"
#include "core/container_service.h"

namespace boxcar {

class LocalApi {
 public:
  explicit LocalApi(ContainerService* containers) : containers_(containers) {}

  // `request`: the bytes of one LocalRequest, or the transport's reason for having none.
  std::string Handle(const StatusOr<std::string>& request);

 private:
  v1::LocalResponse Answer(const v1::LocalRequest& request);

  ContainerService* containers_;
};

}  // namespace boxcar
