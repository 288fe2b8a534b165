// Writes a POSIX ustar stream to a file descriptor: regular files (streamed in pieces after
// their header) and directories, owner 0:0, mtime 0. Sizes past 8 GiB use GNU base-256.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace boxcar::registry {

class TarWriter {
 public:
  explicit TarWriter(int fd) : fd_(fd) {}
  Status AddDirectory(const std::string& name);
  // The header; then exactly `size` bytes through Write, then EndFile.
  Status BeginFile(const std::string& name, uint64_t size);
  Status Write(const char* bytes, size_t size);
  Status EndFile();
  Status AddFile(const std::string& name, const std::string& content);
  // Two zero blocks.
  Status Finish();

 private:
  Status Header(const std::string& name, uint64_t size, char type);
  Status WriteAll(const char* bytes, size_t size);
  int fd_;
  uint64_t file_size_ = 0;
  uint64_t file_written_ = 0;
};

}  // namespace boxcar::registry
