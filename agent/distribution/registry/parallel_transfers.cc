#include "distribution/registry/parallel_transfers.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace boxcar {

Status RunParallelTransfers(
    size_t count, uint32_t threads,
    const std::function<Status(size_t index, const std::function<bool()>& stop)>& one,
    const TransferCancelCheck& cancelled) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  Status first_failure;
  const std::function<bool()> stop = [&] { return failed.load() || (cancelled && cancelled()); };
  auto work = [&] {
    for (;;) {
      size_t index = next++;
      if (index >= count || stop()) return;
      Status done = one(index, stop);
      if (!done.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_failure.ok()) first_failure = done;
        failed = true;
      }
    }
  };
  size_t thread_count = std::max<size_t>(1, std::min<size_t>(threads, count));
  std::vector<std::thread> workers;
  for (size_t i = 1; i < thread_count; ++i) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  if (!first_failure.ok()) return first_failure;
  if (cancelled && cancelled()) return Status(StatusCode::kCancelled, "cancelled by the caller");
  return OkStatus();
}

}  // namespace boxcar
