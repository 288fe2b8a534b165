// Runs an ImageHashVerifier on a thread of its own, so that hashing a download (sha512 runs at
// ~650 MB/s on one core here, slower than loopback HTTP) overlaps receiving it and storing
// it instead of adding to both. Bytes are copied in batches into a bounded queue.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "glance/image_hash_verifier.h"

namespace boxcar::glance {

class BackgroundHasher {
 public:
  explicit BackgroundHasher(std::unique_ptr<ImageHashVerifier> verifier,
                            size_t max_queued_bytes = 32 << 20);
  // Joins the thread (the result is dropped when Verify() was not called).
  ~BackgroundHasher();
  BackgroundHasher(const BackgroundHasher&) = delete;
  BackgroundHasher& operator=(const BackgroundHasher&) = delete;

  // Queues a copy of `bytes`; waits while the queue is full.
  void Update(const char* bytes, size_t size);
  // Hashes what is still queued and returns the verifier's Verify().
  Status Verify();

 private:
  void Run();
  void Enqueue(std::string&& batch);

  std::unique_ptr<ImageHashVerifier> verifier_;
  const size_t max_queued_;
  std::string batch_;  // the caller's bytes until the batch is full
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace boxcar::glance
