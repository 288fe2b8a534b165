#include "net/conntrack_flush_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace boxcar {
namespace {

using namespace std::chrono_literals;

// A flush function that records what it was given and holds each flush until released.
struct GatedFlushes {
  StatusOr<int> Flush(const ConntrackFlush& flush) {
    std::unique_lock<std::mutex> lock(mutex);
    seen.push_back(flush.addresses.empty() ? "port" : flush.addresses.front());
    changed.notify_all();
    changed.wait(lock, [this] { return open; });
    return 1;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mutex);
    open = true;
    changed.notify_all();
  }
  bool WaitSeen(size_t count) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, 5s, [&] { return seen.size() >= count; });
  }
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  std::vector<std::string> seen;
};

TEST(ConntrackFlushQueueTest, EnqueueReturnsWhileTheFlushRuns) {
  GatedFlushes flushes;
  ConntrackFlushQueue queue([&](const ConntrackFlush& flush) { return flushes.Flush(flush); });
  queue.Enqueue("c1", ConntrackFlush{{"10.0.0.2"}, {}}, "exit");  // does not block
  ASSERT_TRUE(flushes.WaitSeen(1));
  EXPECT_TRUE(queue.Pending("10.0.0.2"));
  EXPECT_FALSE(queue.Pending("10.0.0.3"));
  flushes.Open();
  queue.WaitUntilFlushed("10.0.0.2");
  EXPECT_FALSE(queue.Pending("10.0.0.2"));
}

TEST(ConntrackFlushQueueTest, AStartWaitsForTheFlushOfItsAddressOnly) {
  GatedFlushes flushes;
  ConntrackFlushQueue queue([&](const ConntrackFlush& flush) { return flushes.Flush(flush); });
  queue.Enqueue("c1", ConntrackFlush{{"10.0.0.2"}, {}}, "exit");
  ASSERT_TRUE(flushes.WaitSeen(1));
  queue.WaitUntilFlushed("10.0.0.9");  // nothing pending for it: returns at once
  auto waiter = std::async(std::launch::async, [&] { queue.WaitUntilFlushed("10.0.0.2"); });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout)
      << "returned before the address's flush ended";
  flushes.Open();
  EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
}

TEST(ConntrackFlushQueueTest, RunsFlushesInOrderAndFinishesThemWhenDestroyed) {
  GatedFlushes flushes;
  {
    ConntrackFlushQueue queue([&](const ConntrackFlush& flush) { return flushes.Flush(flush); });
    queue.Enqueue("c1", ConntrackFlush{{"10.0.0.2"}, {}}, "exit");
    queue.Enqueue("c2", ConntrackFlush{{}, {{"udp", "", 53}}}, "publish");
    queue.Enqueue("c3", ConntrackFlush{{"10.0.0.4"}, {}}, "exit");
    queue.Enqueue("c4", ConntrackFlush{}, "nothing to flush");  // not run
    flushes.Open();
  }
  EXPECT_EQ(flushes.seen, (std::vector<std::string>{"10.0.0.2", "port", "10.0.0.4"}));
}

TEST(ConntrackFlushQueueTest, AFailedFlushIsLoggedAndTheNextOneRuns) {
  std::vector<std::string> seen;
  {
    ConntrackFlushQueue queue([&](const ConntrackFlush& flush) -> StatusOr<int> {
      seen.push_back(flush.addresses.front());
      if (seen.size() == 1) return Internal("conntrack: dump the IPv4 entries: EPERM");
      return 0;
    });
    queue.Enqueue("c1", ConntrackFlush{{"10.0.0.2"}, {}}, "exit");
    queue.Enqueue("c2", ConntrackFlush{{"10.0.0.3"}, {}}, "exit");
    queue.WaitUntilFlushed("10.0.0.3");
    EXPECT_FALSE(queue.Pending("10.0.0.2"));
  }
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace boxcar
