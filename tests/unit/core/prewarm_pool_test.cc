// The prewarm pool hands helpers by need: the ones with an idle veth pair (made only after a
// start asked for one) go only to starts that want one; every other start gets a plain
// helper, or none. Helpers are real processes in a network namespace of their own
// (`unshare --net sleep`), as a shim is; the pair is a name the test's preparer makes up, so
// nothing touches a network.
#include "core/prewarm_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/directory_tree.h"
#include "mock_snapshotter.h"
#include "../temp_dir.h"

extern char** environ;

namespace boxcar {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;

class SleeperLauncher : public PrewarmedLauncher {
 public:
  explicit SleeperLauncher(pid_t pid) : pid_(pid) {}
  ~SleeperLauncher() override {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const override { return pid_; }

 private:
  pid_t pid_;
};

class HelperBackend : public Backend {
 public:
  const std::string& name() const override { return name_; }
  BackendCapabilities capabilities() const override {
    BackendCapabilities capabilities;
    capabilities.prewarm = true;
    return capabilities;
  }
  Status CheckAvailable() const override { return OkStatus(); }
  StatusOr<RunningContainer> Launch(const LaunchSpec&, const std::string&, int*) override {
    return Unimplemented("not in this test");
  }
  Status Signal(const RunningContainer&, int) override { return OkStatus(); }
  StatusOr<std::unique_ptr<PrewarmedLauncher>> Prewarm() override {
    pid_t pid = 0;
    char* argv[] = {const_cast<char*>("unshare"), const_cast<char*>("--net"),
                    const_cast<char*>("sleep"), const_cast<char*>("60"), nullptr};
    if (::posix_spawnp(&pid, "unshare", nullptr, nullptr, argv, environ) != 0) {
      return Internal("posix_spawnp unshare");
    }
    ++helpers;
    return std::unique_ptr<PrewarmedLauncher>(new SleeperLauncher(pid));
  }
  std::atomic<int> helpers{0};

 private:
  std::string name_ = "helpers";
};

class SlotCgroups : public ContainerCgroups {
 public:
  StatusOr<CgroupPlacement> Create(const std::string&, const ContainerLimits&) override {
    return CgroupPlacement{};
  }
  bool OomKilled(const std::string&) override { return false; }
  Status Freeze(const std::string&) override { return OkStatus(); }
  Status Thaw(const std::string&) override { return OkStatus(); }
  StatusOr<CgroupStats> Stats(const std::string&) override { return CgroupStats{}; }
  Status UpdateLimits(const std::string&, const CgroupLimitsUpdate&) override { return OkStatus(); }
  Status Destroy(const std::string&) override { return OkStatus(); }
  bool SupportsSlots() const override { return true; }
  Status CreateSlot(const std::string&, pid_t) override { return OkStatus(); }
  std::string ModeName() const override { return "slots"; }
  const std::string& parent() const override { return parent_; }
  std::string parent_ = "test";
};

template <typename Predicate>
bool Eventually(Predicate done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

class PrewarmPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-prewarm-XXXXXX", &root_));
    ASSERT_EQ(::mkdir((root_ + "/containers").c_str(), 0700), 0);
  }
  void TearDown() override { (void)RemoveTree(root_); }

  // The pool's preparer: a made-up pair name, or none while `refuse_` is set.
  std::function<std::string(pid_t, const std::string&)> Preparer() {
    return [this](pid_t, const std::string& slot) -> std::string {
      ++prepared_;
      return refuse_ ? "" : "bw-" + slot;
    };
  }

  std::string root_;
  HelperBackend backend_;
  SlotCgroups cgroups_;
  NiceMock<MockSnapshotter> snapshotter_;
  std::atomic<int> prepared_{0};
  std::atomic<bool> refuse_{false};
};

TEST_F(PrewarmPoolTest, HelpersWithIdleVethsGoOnlyToStartsThatWantThem) {
  PrewarmPool pool({root_, "agent1", 2, nullptr, Preparer()}, &backend_, &cgroups_, &snapshotter_);
  pool.Start();
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(prepared_, 0) << "no start wanted a pair yet: nothing of the network is touched";

  // The first start that wants a pair gets a plain helper (it makes its own veth) and makes
  // the pool keep helpers with pairs from then on.
  auto first = pool.TakeSlot(&backend_, /*wants_idle_veth=*/true);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->idle_veth, "");
  pool.ReleaseSlot(std::move(*first));
  ASSERT_TRUE(Eventually([&] { return prepared_ >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  // Starts that want none (none, host, CNI) never get one, however many there are.
  for (int start = 0; start < 6; ++start) {
    auto plain = pool.TakeSlot(&backend_, /*wants_idle_veth=*/false);
    if (plain) {
      EXPECT_EQ(plain->idle_veth, "") << "start " << start;
      pool.ReleaseSlot(std::move(*plain));
    }
  }
  for (int start = 0; start < 2; ++start) {
    auto with_veth = pool.TakeSlot(&backend_, /*wants_idle_veth=*/true);
    ASSERT_TRUE(with_veth.has_value());
    EXPECT_EQ(with_veth->idle_veth, "bw-" + with_veth->name) << "start " << start;
    pool.ReleaseSlot(std::move(*with_veth));
  }
  // Another backend's start gets nothing of this pool.
  HelperBackend other;
  EXPECT_FALSE(pool.TakeSlot(&other, true).has_value());
  pool.Stop();
}

TEST_F(PrewarmPoolTest, APoolThatCannotMakePairsStopsTryingUntilAStartAsksAgain) {
  refuse_ = true;  // e.g. no bridge network is plumbed
  PrewarmPool pool({root_, "agent1", 2, nullptr, Preparer()}, &backend_, &cgroups_, &snapshotter_);
  pool.Start();
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 2; }));
  auto first = pool.TakeSlot(&backend_, true);
  ASSERT_TRUE(first.has_value());
  pool.ReleaseSlot(std::move(*first));
  ASSERT_TRUE(Eventually([&] { return prepared_ >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int tries = prepared_;
  EXPECT_LE(tries, 2) << "the refill kept trying";
  EXPECT_EQ(backend_.helpers, 5) << "2 plain, 1 refill of the taken one, 2 tries with pairs";
  refuse_ = false;
  auto asked_again = pool.TakeSlot(&backend_, true);
  if (asked_again) pool.ReleaseSlot(std::move(*asked_again));
  ASSERT_TRUE(Eventually([&] { return prepared_ >= tries + 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto with_veth = pool.TakeSlot(&backend_, true);
  ASSERT_TRUE(with_veth.has_value());
  EXPECT_NE(with_veth->idle_veth, "");
  pool.ReleaseSlot(std::move(*with_veth));
  pool.Stop();
}

}  // namespace
}  // namespace boxcar
