// The CLI's side of the agent's local fast path (proto/boxcar/v1/local.proto): one
// LocalRequest sent as one SOCK_SEQPACKET message on the socket next to the gRPC one, one
// LocalResponse read back. No gRPC is started for it (no threads, no HTTP/2), which was most
// of a short command's cost (tests/bench/RESULTS.md).
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "boxcar/v1/local.pb.h"

namespace boxcar::cli {

// The answer, or std::nullopt when the request was not carried out by the agent — no local
// socket (an older agent, a socket on another host's mount), the request too large for it,
// BOXCAR_LOCAL_FAST_PATH=0, or an older agent that does not serve this call on it — and the
// caller should make the call over gRPC instead. Once the request is sent nothing is retried: a
// lost answer is reported as UNAVAILABLE.
std::optional<v1::LocalResponse> CallLocal(const std::string& grpc_socket_path,
                                           const v1::LocalRequest& request);

// The answer's status, as the gRPC call would have returned it.
grpc::Status StatusOf(const v1::LocalResponse& answer);

}  // namespace boxcar::cli
