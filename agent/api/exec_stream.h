// The Exec RPC's relay between one bidirectional gRPC stream and one ExecSession: a reader
// thread feeds stdin, EOF and resizes to the process; the handler's thread polls stdout and
// stderr, sends them as they come, and finally the exit code.
#pragma once

#include <grpcpp/grpcpp.h>

#include "boxcar/v1/containers.grpc.pb.h"
#include "core/container_service.h"

namespace boxcar {

grpc::Status ServeExec(ContainerService* containers, grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::ExecResponse, v1::ExecRequest>* stream);

}  // namespace boxcar
