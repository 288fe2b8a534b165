// A LayerDecompressor run on a thread of its own, a few blocks ahead of the tar reader, with
// the diff id hash of its output on that thread too. Unpacking a layer was one thread doing
// inflate, sha256 and the file writes in turn: a pull's last layer (and every single-layer
// image) kept one core busy while the other idled. Now inflate + sha256 and the tar reader's
// file writes overlap. Blocks go into a small pool of buffers (4 x the block): igzip inflates
// straight into them, other decompressors' blocks are copied.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/layer_decompressor.h"

namespace boxcar {

// Sees every decompressed block, in order, on the decompressing thread.
using DecompressedBlockObserver = std::function<void(const void* block, size_t size)>;

class BackgroundDecompressor : public LayerDecompressor {
 public:
  // Starts the thread (or, when no thread can be made, decompresses and observes inline).
  BackgroundDecompressor(std::unique_ptr<LayerDecompressor> inner,
                         DecompressedBlockObserver observe);
  // Stops the thread, also midway (a tar reader that gave up): it reads no further.
  ~BackgroundDecompressor() override;
  BackgroundDecompressor(const BackgroundDecompressor&) = delete;
  BackgroundDecompressor& operator=(const BackgroundDecompressor&) = delete;

  bool Next(const void** block, size_t* size) override;
  std::string ErrorText() const override;
  bool compressed() const override { return compressed_; }
  const char* name() const override { return name_; }

 private:
  // A decompressed block: `size` bytes at the start of `bytes`.
  struct Block {
    std::string bytes;
    size_t size = 0;
  };

  void Run();

  std::unique_ptr<LayerDecompressor> inner_;  // used by the thread only, while it runs
  const DecompressedBlockObserver observe_;
  const bool compressed_;
  const char* const name_;
  bool inline_ = false;  // no thread

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> full_;          // decompressed blocks, in order
  std::vector<std::string> spare_;  // buffers to reuse
  Block current_;                   // the block the reader holds
  bool holding_ = false;            // current_ is the reader's
  bool done_ = false;               // the thread reached the end or an error
  bool failed_ = false;
  bool stopping_ = false;  // the reader is gone
  std::string error_;
  std::thread thread_;
};

}  // namespace boxcar
