#include "store/layer_channel.h"

#include <algorithm>

namespace boxcar {

namespace {

// Pieces are gathered into chunks of about this size (HTTP hands over 16 KiB at a time): one
// lock and one wake-up per chunk.
constexpr size_t kChunkBytes = 256 << 10;

}  // namespace

LayerChannel::LayerChannel(size_t capacity) : capacity_(std::max(capacity, 2 * kChunkBytes)) {}

bool LayerChannel::Write(const char* bytes, size_t size) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (size > 0) {
    changed_.wait(lock, [&] { return read_closed_ || queued_ < capacity_; });
    if (read_closed_) return false;
    if (chunks_.empty() || chunks_.back().lent || chunks_.back().bytes.size() >= kChunkBytes) {
      chunks_.emplace_back();
      if (spare_.empty()) {
        chunks_.back().bytes.reserve(kChunkBytes);
      } else {
        chunks_.back().bytes = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    std::string& tail = chunks_.back().bytes;
    const size_t n = std::min(size, kChunkBytes - tail.size());
    tail.append(bytes, n);
    queued_ += n;
    bytes += n;
    size -= n;
    // A full chunk is ready once a later one exists (see Read).
    if (chunks_.size() >= 2) changed_.notify_all();
  }
  return true;
}

void LayerChannel::Push(LentBlock block) {
  if (!block || block->empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (read_closed_ || write_closed_) return;
    chunks_.push_back({std::string(), std::move(block)});
  }
  changed_.notify_all();
}

void LayerChannel::CloseWrite() {
  std::lock_guard<std::mutex> lock(mutex_);
  write_closed_ = true;
  changed_.notify_all();
}

std::string_view LayerChannel::Read() {
  std::unique_lock<std::mutex> lock(mutex_);
  reading_.lent.reset();  // back to its writer
  if (reading_.bytes.capacity() >= kChunkBytes) {
    reading_.bytes.clear();
    spare_.push_back(std::move(reading_.bytes));
  }
  reading_.bytes.clear();
  // A lent block is whole; a copy is taken once a later chunk exists (the writer moved on) or
  // the writer is done.
  changed_.wait(lock, [&] {
    return (!chunks_.empty() && chunks_.front().lent) || chunks_.size() >= 2 || write_closed_;
  });
  if (chunks_.empty()) return {};
  reading_ = std::move(chunks_.front());
  chunks_.pop_front();
  if (reading_.lent) return *reading_.lent;
  queued_ -= reading_.bytes.size();
  changed_.notify_all();
  return reading_.bytes;
}

void LayerChannel::CloseRead() {
  std::lock_guard<std::mutex> lock(mutex_);
  read_closed_ = true;
  chunks_.clear();  // lent blocks go back to their writer
  spare_.clear();
  reading_ = Chunk();
  changed_.notify_all();
}

}  // namespace boxcar
