// Runs conntrack flushes on a thread of its own, in the order they were asked for. A flush
// dumps the kernel's whole table (262144 buckets on a 24 GiB host: ~4 ms, and closing the
// dump's socket took up to 10 ms more in strace): an exit that `run --rm` waits for, or a
// start, must not wait for it. The one ordering that matters is kept: a container given an
// address whose flush is still queued waits for it first (WaitUntilFlushed), so that a late
// flush never deletes the new holder's entries.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "net/conntrack_flush.h"

namespace boxcar {

class ConntrackFlushQueue {
 public:
  using FlushFunction = std::function<StatusOr<int>(const ConntrackFlush&)>;
  // `flush` runs the flushes (DeleteConntrackEntries; a stand-in in tests). The thread starts
  // now, in the network namespace of the constructing thread: the agent's at its start-up
  // (NOTE: its netlink sockets open in the namespace it inherits from its creator, so it is
  // never made by a thread that may have entered a container's).
  explicit ConntrackFlushQueue(FlushFunction flush = DeleteConntrackEntries);
  // Runs every flush still queued, then joins the thread.
  ~ConntrackFlushQueue();
  ConntrackFlushQueue(const ConntrackFlushQueue&) = delete;
  ConntrackFlushQueue& operator=(const ConntrackFlushQueue&) = delete;

  // Queues `flush` for `container_id` and returns; a failure is logged with `why` (the
  // flows' entries expire by themselves).
  void Enqueue(const std::string& container_id, ConntrackFlush flush, const std::string& why);
  // Whether a flush of `address` is queued or running.
  bool Pending(const std::string& address);
  // Returns once no flush of `address` is queued or running.
  void WaitUntilFlushed(const std::string& address);

 private:
  struct Job {
    std::string container_id;
    ConntrackFlush flush;
    std::string why;
  };
  void Run();

  FlushFunction flush_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> jobs_;
  std::multiset<std::string> pending_addresses_;  // of the queued jobs and the running one
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace boxcar
