#include "store/background_decompressor.h"

#include <system_error>
#include <utility>

namespace boxcar {

namespace {

// Blocks the thread may run ahead of the reader: 1 MiB smooths the file writes' pace, and each
// buffer is memory a pull faults in anew for each of its layers (8 cost 1,300 faults a pull).
constexpr size_t kQueuedBlocks = 4;
// The size of the buffers a decompressor that writes into them fills (igzip's own block size).
constexpr size_t kBlockBytes = 256 << 10;

}  // namespace

BackgroundDecompressor::BackgroundDecompressor(std::unique_ptr<LayerDecompressor> inner,
                                               DecompressedBlockObserver observe)
    : inner_(std::move(inner)),
      observe_(std::move(observe)),
      compressed_(inner_->compressed()),
      name_(inner_->name()) {
  try {
    thread_ = std::thread([this] { Run(); });
  } catch (const std::system_error&) {
    inline_ = true;
  }
}

BackgroundDecompressor::~BackgroundDecompressor() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundDecompressor::Run() {
  for (;;) {
    std::string buffer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || full_.size() < kQueuedBlocks; });
      if (stopping_) return;
      if (!spare_.empty()) {
        buffer = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    const void* block = nullptr;
    size_t size = 0;
    bool ok;
    if (inner_->writes_into_buffers()) {
      if (buffer.size() < kBlockBytes) buffer.resize(kBlockBytes);
      ok = inner_->NextInto(buffer.data(), buffer.size(), &size);
      block = buffer.data();
    } else {
      ok = inner_->Next(&block, &size);
      if (ok && size > 0) {
        buffer.assign(static_cast<const char*>(block), size);
        block = buffer.data();
      }
    }
    if (ok && size > 0 && observe_) observe_(block, size);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!ok || size == 0) {
      failed_ = !ok;
      if (!ok) error_ = inner_->ErrorText();
      done_ = true;
      changed_.notify_all();
      return;
    }
    if (stopping_) return;
    full_.push_back({std::move(buffer), size});
    changed_.notify_all();
  }
}

bool BackgroundDecompressor::Next(const void** block, size_t* size) {
  *block = nullptr;
  *size = 0;
  if (inline_) {
    if (!inner_->Next(block, size)) return false;
    if (*size > 0 && observe_) observe_(*block, *size);
    return true;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (holding_) {
    holding_ = false;
    spare_.push_back(std::move(current_.bytes));
  }
  changed_.wait(lock, [&] { return !full_.empty() || done_; });
  if (full_.empty()) return !failed_;
  current_ = std::move(full_.front());
  full_.pop_front();
  holding_ = true;
  changed_.notify_all();
  *block = current_.bytes.data();
  *size = current_.size;
  return true;
}

std::string BackgroundDecompressor::ErrorText() const {
  if (inline_) return inner_->ErrorText();
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace boxcar
