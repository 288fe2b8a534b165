#include "core/exit_monitor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "common/pidfd.h"

namespace boxcar {
namespace {

// A child that sleeps until killed.
pid_t StartSleeper() {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::pause();
    ::_exit(0);
  }
  return pid;
}

class ExitMonitorTest : public ::testing::Test {
 protected:
  ExitMonitorTest()
      : monitor_([this](const std::string& key) {
          std::lock_guard<std::mutex> lock(mutex_);
          ++exits_[key];
          changed_.notify_all();
        }) {}

  // Waits until `key` has been reported `times` times (or 5 s pass).
  bool WaitForExits(const std::string& key, int times) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return exits_[key] >= times; });
  }
  int Exits(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    return exits_[key];
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, int> exits_;
  ExitMonitor monitor_;
};

TEST_F(ExitMonitorTest, ReportsEachWatchedProcessOnceByItsKey) {
  ASSERT_TRUE(monitor_.Start().ok());
  pid_t first = StartSleeper();
  pid_t second = StartSleeper();
  ASSERT_TRUE(monitor_.Watch("first", OpenPidfd(first)).ok());
  ASSERT_TRUE(monitor_.Watch("second", OpenPidfd(second)).ok());
  ::kill(second, SIGKILL);
  ASSERT_TRUE(WaitForExits("second", 1));
  EXPECT_EQ(Exits("first"), 0);  // still running
  ::kill(first, SIGKILL);
  ASSERT_TRUE(WaitForExits("first", 1));
  ::waitpid(first, nullptr, 0);
  ::waitpid(second, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Exits("first"), 1);
  EXPECT_EQ(Exits("second"), 1);
}

TEST_F(ExitMonitorTest, AProcessThatExitedBeforeTheWatchIsReportedAtOnce) {
  ASSERT_TRUE(monitor_.Start().ok());
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(3);
  UniqueFd pidfd = OpenPidfd(pid);  // before the reap: the pidfd still names the zombie
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(monitor_.Watch("gone", std::move(pidfd)).ok());
  EXPECT_TRUE(WaitForExits("gone", 1));
}

TEST_F(ExitMonitorTest, StopReturnsWithProcessesStillWatched) {
  ASSERT_TRUE(monitor_.Start().ok());
  pid_t pid = StartSleeper();
  ASSERT_TRUE(monitor_.Watch("running", OpenPidfd(pid)).ok());
  monitor_.Stop();
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Exits("running"), 0);  // nothing is reported after Stop
}

TEST_F(ExitMonitorTest, AnInvalidPidfdIsRefused) {
  ASSERT_TRUE(monitor_.Start().ok());
  EXPECT_FALSE(monitor_.Watch("bad", UniqueFd()).ok());
}

}  // namespace
}  // namespace boxcar
