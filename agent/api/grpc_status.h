// Our Status -> grpc::Status; the codes are the same numbers.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace boxcar {

inline grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

}  // namespace boxcar
