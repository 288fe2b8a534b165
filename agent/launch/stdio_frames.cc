#include "launch/stdio_frames.h"

namespace boxcar {

namespace {

constexpr size_t kHeaderSize = 5;

bool KnownType(char type) {
  return type == static_cast<char>(StdioFrameType::kInput) ||
         type == static_cast<char>(StdioFrameType::kEndOfInput) ||
         type == static_cast<char>(StdioFrameType::kResize) ||
         type == static_cast<char>(StdioFrameType::kWatchOutput) ||
         type == static_cast<char>(StdioFrameType::kStdout) ||
         type == static_cast<char>(StdioFrameType::kStderr);
}

}  // namespace

std::string EncodeStdioFrame(StdioFrameType type, std::string_view payload) {
  const auto size = static_cast<uint32_t>(payload.size());
  std::string frame;
  frame.reserve(kHeaderSize + payload.size());
  frame.push_back(static_cast<char>(type));
  for (int shift = 24; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  frame.append(payload);
  return frame;
}

std::string EncodeResizeFrame(uint16_t rows, uint16_t cols) {
  const char size[4] = {static_cast<char>(rows >> 8), static_cast<char>(rows),
                        static_cast<char>(cols >> 8), static_cast<char>(cols)};
  return EncodeStdioFrame(StdioFrameType::kResize, std::string_view(size, sizeof size));
}

bool DecodeResize(const std::string& payload, uint16_t* rows, uint16_t* cols) {
  if (payload.size() != 4) return false;
  auto byte = [&](size_t i) { return static_cast<uint16_t>(static_cast<unsigned char>(payload[i])); };
  *rows = static_cast<uint16_t>(byte(0) << 8 | byte(1));
  *cols = static_cast<uint16_t>(byte(2) << 8 | byte(3));
  return true;
}

std::optional<StdioFrame> StdioFrameReader::Pop(bool* malformed) {
  *malformed = false;
  if (buffered_.size() < kHeaderSize) return std::nullopt;
  if (!KnownType(buffered_[0])) {
    *malformed = true;
    return std::nullopt;
  }
  uint32_t size = 0;
  for (size_t i = 1; i < kHeaderSize; ++i) size = size << 8 | static_cast<unsigned char>(buffered_[i]);
  if (size > kMaxPayload) {
    *malformed = true;
    return std::nullopt;
  }
  if (buffered_.size() < kHeaderSize + size) return std::nullopt;
  StdioFrame frame{static_cast<StdioFrameType>(buffered_[0]), buffered_.substr(kHeaderSize, size)};
  buffered_.erase(0, kHeaderSize + size);
  return frame;
}

}  // namespace boxcar
