// Our Status -> grpc::Status; the codes are the same numbers.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace boxcar {

inline grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

// A unary call's answer: the value into `response`, or the error as its gRPC status.
template <typename T>
grpc::Status Reply(StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace boxcar
