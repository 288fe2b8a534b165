// The Attach RPC's relay between one bidirectional gRPC stream and ContainerService::Attach:
// a reader thread feeds stdin, its end, resizes and signals to the container; the handler's
// thread sends the container's output as the service follows it, then how it ended.
#pragma once

#include <grpcpp/grpcpp.h>

#include "boxcar/v1/containers.grpc.pb.h"
#include "core/container_service.h"

namespace boxcar {

grpc::Status ServeAttach(ContainerService* containers, grpc::ServerContext* context,
                         grpc::ServerReaderWriter<v1::AttachResponse, v1::AttachRequest>* stream);

}  // namespace boxcar
