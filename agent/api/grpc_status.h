// Our Status -> grpc::Status; the codes are the same numbers. Every error the agent answers
// carries a v1::AgentError as its details, which is how a client tells it from a transport
// failure.
#pragma once

#include <grpcpp/support/status.h>

#include "boxcar/v1/system.pb.h"
#include "common/status.h"

namespace boxcar {

// A status as the agent answers it: `code` and `message`, marked as the agent's own.
inline grpc::Status AgentGrpcStatus(grpc::StatusCode code, const std::string& message) {
  if (code == grpc::StatusCode::OK) return grpc::Status::OK;
  v1::AgentError details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  return grpc::Status(code, message, details.SerializeAsString());
}

inline grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return AgentGrpcStatus(static_cast<grpc::StatusCode>(status.code()), status.message());
}

// True for an error the agent answered (AgentGrpcStatus), false for one gRPC made up on the
// client's side (no agent on the socket, a connection cut in the middle of a call).
inline bool IsAgentError(const grpc::Status& status) {
  if (status.ok() || status.error_details().empty()) return false;
  v1::AgentError details;
  return details.ParseFromString(status.error_details()) &&
         details.code() == static_cast<int32_t>(status.error_code());
}

// A unary call's answer: the value into `response`, or the error as its gRPC status.
template <typename T>
grpc::Status Reply(StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace boxcar
