// The unix socket a shim listens on for attach connections (stdio_frames.h), named by a path
// in the container's state directory. Such paths may be longer than sun_path allows (108
// bytes: a long --root plus a 64-character id), so both ends reach the socket through an
// O_PATH descriptor of its directory: "/proc/self/fd/<dir fd>/<name>".
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/stdio_frames.h"

namespace boxcar {

// Where the shim of the container with state directory `state_dir` listens.
inline std::string AttachSocketPath(const std::string& state_dir) {
  return state_dir + "/attach.sock";
}

// Binds and listens at `path` (a stale socket there is replaced); non-blocking, close-on-exec.
StatusOr<UniqueFd> ListenOnAttachSocket(const std::string& path);
// Connects to the socket at `path`; close-on-exec, blocking.
StatusOr<UniqueFd> ConnectToAttachSocket(const std::string& path);

// The agent's end of one attach connection; calls may come from several threads.
class AttachConnection {
 public:
  explicit AttachConnection(UniqueFd socket_fd) : socket_(std::move(socket_fd)) {}

  Status SendInput(std::string_view bytes);
  Status CloseInput();
  Status Resize(uint16_t rows, uint16_t cols);

  // Asks the shim for the payload's output from now on ('w'); then ReadOutput hands it over,
  // frame by frame, to `sink` (stream kStdout or kStderr) until the shim closes the connection
  // (the payload has ended and its output is drained: OK) or `sink` or `cancelled` (asked
  // every 100 ms) says stop (kCancelled). Only one thread reads.
  Status WatchOutput();
  using OutputSink = std::function<bool(StdioFrameType stream, const std::string& bytes)>;
  Status ReadOutput(const OutputSink& sink, const std::function<bool()>& cancelled);

 private:
  Status Send(const std::string& frame);

  std::mutex mutex_;
  UniqueFd socket_;
};

}  // namespace boxcar
