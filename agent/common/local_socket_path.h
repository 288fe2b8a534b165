// Where the agent's local fast path listens (proto/boxcar/v1/local.proto): next to its gRPC
// socket, so the CLI finds it from the one --socket / BOXCAR_SOCKET it is given.
#pragma once

#include <string>

namespace boxcar {

inline std::string LocalSocketPath(const std::string& grpc_socket_path) {
  return grpc_socket_path + ".local";
}

// A message larger than this is refused by the agent; the CLI sends larger requests over
// gRPC. Below the default socket send buffer (net.core.wmem_default, 208 KiB).
constexpr size_t kLocalMessageMaxBytes = 128 * 1024;

}  // namespace boxcar
