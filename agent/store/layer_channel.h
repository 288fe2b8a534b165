// The bytes of a layer on their way from the thread that stores its blob to the thread that
// unpacks it (early_layer_unpacks.h): a bounded queue of chunks in memory. The unpacker reads
// the chunks in place: the blob writer's own blocks, lent (Push), or copies (Write), so a byte
// is copied at most once between the two (a socket pair copied it into the kernel and out
// again, with a system call and socket buffers per piece).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/blob_store.h"  // LentBlock

namespace boxcar {

class LayerChannel {
 public:
  // At most about `capacity` bytes (at least 512 KiB) of copies wait in the queue: the writer
  // runs that far ahead.
  explicit LayerChannel(size_t capacity);
  LayerChannel(const LayerChannel&) = delete;
  LayerChannel& operator=(const LayerChannel&) = delete;

  // Queues a copy of `bytes`, waiting while the queue is full. False once the reader is gone
  // (the unpacker finished or gave up): the writer may stop.
  bool Write(const char* bytes, size_t size);
  // Queues a block of the blob writer without copying it; its lender bounds how many are out,
  // so this never waits. Dropped when the reader is gone or the writer closed.
  void Push(LentBlock block);
  // The end of the layer (or of the writer: a reader that needed more fails).
  void CloseWrite();

  // The next chunk, valid until the next Read; empty at the end.
  std::string_view Read();
  // The reader is done: a waiting writer wakes, and Write returns false from now on.
  void CloseRead();

 private:
  // A copy being filled (`bytes`) or a lent block.
  struct Chunk {
    std::string bytes;
    LentBlock lent;
  };

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> chunks_;
  // Copies the reader is done with, for the writer to fill again: a chunk allocated anew each
  // time was a fresh mapping to fault in, page by page, at every chunk.
  std::vector<std::string> spare_;
  size_t queued_ = 0;  // bytes of copies in chunks_
  bool write_closed_ = false;
  bool read_closed_ = false;
  Chunk reading_;  // the chunk the reader holds
};

}  // namespace boxcar
