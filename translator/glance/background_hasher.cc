#include "glance/background_hasher.h"

namespace boxcar::glance {
namespace {
constexpr size_t kBatchBytes = 1 << 20;
}

BackgroundHasher::BackgroundHasher(std::unique_ptr<ImageHashVerifier> verifier,
                                   size_t max_queued_bytes)
    : verifier_(std::move(verifier)), max_queued_(max_queued_bytes) {
  batch_.reserve(kBatchBytes);
  thread_ = std::thread([this] { Run(); });
}

BackgroundHasher::~BackgroundHasher() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    queue_.clear();
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void BackgroundHasher::Enqueue(std::string&& batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queued_ < max_queued_; });
  queued_ += batch.size();
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

void BackgroundHasher::Update(const char* bytes, size_t size) {
  batch_.append(bytes, size);
  if (batch_.size() < kBatchBytes) return;
  std::string full;
  full.swap(batch_);
  batch_.reserve(kBatchBytes);
  Enqueue(std::move(full));
}

void BackgroundHasher::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return;
    std::string batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    verifier_->Update(batch.data(), batch.size());
    lock.lock();
    queued_ -= batch.size();
    changed_.notify_all();
  }
}

Status BackgroundHasher::Verify() {
  if (!batch_.empty()) Enqueue(std::move(batch_));
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  thread_.join();
  return verifier_->Verify();
}

}  // namespace boxcar::glance
