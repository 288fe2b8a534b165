// A bounded pipe of bytes between two threads: the store's archive writer pushes (a sink), the
// HTTP upload pulls (a source). Either side can stop the other: the reader by Cancel() (the
// writer's next Push returns false), the writer by Close(status) (the reader gets the status
// once the bytes before it are read).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

class BytePipe {
 public:
  explicit BytePipe(size_t max_buffered_bytes = 8 << 20) : max_buffered_(max_buffered_bytes) {}
  // Waits while the pipe is full; false once the reader cancelled.
  bool Push(std::string_view bytes);
  // End of the bytes: OK, or why the writer failed.
  void Close(Status status);
  // Up to `size` bytes into `buffer`; 0 at a clean end; the writer's error after a failed one.
  StatusOr<size_t> Pop(char* buffer, size_t size);
  void Cancel();

 private:
  const size_t max_buffered_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t front_offset_ = 0;  // bytes of chunks_.front() already read
  size_t buffered_ = 0;
  bool closed_ = false;
  bool cancelled_ = false;
  Status close_status_;
};

}  // namespace boxcar
