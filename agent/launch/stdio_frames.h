// The attach protocol between the agent and a container's shim, on the unix socket the shim
// listens on for containers with a terminal or an open stdin (LaunchSpec::attach_socket_path).
// The agent sends frames, each a type byte, a 4-byte big-endian length and that many bytes:
//   'i' <bytes>            input for the payload's stdin (or its terminal)
//   'e'                    end of input: the stdin pipe is closed; on a terminal the shim
//                          types its EOF character (canonical mode only)
//   'r' <rows:2><cols:2>   the terminal's new size (big-endian); the payload gets SIGWINCH
//   'w'                    watch: send me the payload's output from now on
// The payload's output goes to the container's log files, which the agent follows; the shim
// sends it over a connection only once that connection asked with 'w' (a container whose log
// driver keeps nothing, --log-driver none), as frames of the same shape:
//   '1' <bytes>            what the payload wrote to its stdout (or its terminal)
//   '2' <bytes>            what it wrote to its stderr
// Closing the connection detaches; the payload runs on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace boxcar {

enum class StdioFrameType : char {
  kInput = 'i',
  kEndOfInput = 'e',
  kResize = 'r',
  kWatchOutput = 'w',
  kStdout = '1',
  kStderr = '2',
};

struct StdioFrame {
  StdioFrameType type;
  std::string payload;
};

std::string EncodeStdioFrame(StdioFrameType type, std::string_view payload = {});
std::string EncodeResizeFrame(uint16_t rows, uint16_t cols);
// Rows and columns of a kResize frame's payload; false when it is malformed.
bool DecodeResize(const std::string& payload, uint16_t* rows, uint16_t* cols);

// Collects bytes from a connection and hands out complete frames.
class StdioFrameReader {
 public:
  // Frames larger than this are a protocol error (the connection is dropped).
  static constexpr uint32_t kMaxPayload = 1 << 20;

  void Append(const char* bytes, size_t size) { buffered_.append(bytes, size); }
  // The next complete frame, if one is buffered; sets `malformed` on an unknown type or a
  // length over kMaxPayload.
  std::optional<StdioFrame> Pop(bool* malformed);

 private:
  std::string buffered_;
};

}  // namespace boxcar
