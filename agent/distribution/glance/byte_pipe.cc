#include "distribution/glance/byte_pipe.h"

#include <cstring>

namespace boxcar {

bool BytePipe::Push(std::string_view bytes) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || buffered_ < max_buffered_; });
  if (cancelled_) return false;
  chunks_.emplace_back(bytes);
  buffered_ += bytes.size();
  changed_.notify_all();
  return true;
}

void BytePipe::Close(Status status) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  close_status_ = std::move(status);
  changed_.notify_all();
}

void BytePipe::Cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

StatusOr<size_t> BytePipe::Pop(char* buffer, size_t size) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !chunks_.empty() || closed_; });
  if (chunks_.empty()) {
    if (!close_status_.ok()) return close_status_;
    return size_t{0};
  }
  size_t copied = 0;
  while (copied < size && !chunks_.empty()) {
    const std::string& front = chunks_.front();
    size_t n = std::min(size - copied, front.size() - front_offset_);
    std::memcpy(buffer + copied, front.data() + front_offset_, n);
    copied += n;
    front_offset_ += n;
    buffered_ -= n;
    if (front_offset_ == front.size()) {
      chunks_.pop_front();
      front_offset_ = 0;
    }
  }
  changed_.notify_all();
  return copied;
}

}  // namespace boxcar
