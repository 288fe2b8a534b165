// The bytes of a layer on their way from the thread that stores its blob to the thread that
// unpacks it (early_layer_unpacks.h): a bounded queue of chunks in memory. The unpacker reads
// the chunks in place, so a byte is copied once between the two (a socket pair copied it into
// the kernel and out again, with a system call and socket buffers per piece).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace boxcar {

class LayerChannel {
 public:
  // At most about `capacity` bytes (at least 512 KiB) wait in the queue: the writer runs that
  // far ahead.
  explicit LayerChannel(size_t capacity);
  LayerChannel(const LayerChannel&) = delete;
  LayerChannel& operator=(const LayerChannel&) = delete;

  // Queues a copy of `bytes`, waiting while the queue is full. False once the reader is gone
  // (the unpacker finished or gave up): the writer may stop.
  bool Write(const char* bytes, size_t size);
  // The end of the layer (or of the writer: a reader that needed more fails).
  void CloseWrite();

  // The next chunk, valid until the next Read; empty at the end.
  std::string_view Read();
  // The reader is done: a waiting writer wakes, and Write returns false from now on.
  void CloseRead();

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t queued_ = 0;
  bool write_closed_ = false;
  bool read_closed_ = false;
  std::string reading_;  // the chunk the reader holds
};

}  // namespace boxcar
