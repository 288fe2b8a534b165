// The prewarm pool hands helpers by need: the ones with an idle veth pair (made only after a
// start asked for one) go only to starts that want one; every other start gets a plain
// helper, or none. Helpers are real processes in a network namespace of their own
// (`unshare --net sleep`), as a shim is; the pair is a name the test's preparer makes up, so
// nothing touches a network. A removed container's directories become a spare, emptied, up to
// a limit (on a real overlay snapshotter, which Recycle needs no mount for).
#include "core/prewarm_pool.h"

#include <fcntl.h>
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

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/unique_fd.h"
#include "core/container_paths.h"
#include "mock_snapshotter.h"
#include "snapshot/overlay_snapshotter.h"
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

class RecycleTest : public PrewarmPoolTest {
 protected:
  void SetUp() override {
    PrewarmPoolTest::SetUp();
    auto overlay = OverlaySnapshotter::Create(root_ + "/snapshots");
    ASSERT_TRUE(overlay.ok()) << overlay.status().message();
    overlay_ = std::move(*overlay);
  }

  // The directories a container leaves at its removal: changes, output, an exit record.
  void MakeRemovedContainer(const std::string& id) {
    ASSERT_TRUE(overlay_->Prepare(id, IdMapping{}).ok());
    ASSERT_TRUE(WriteFileAtomically(overlay_->ChangesDir(id) + "/written", "x").ok());
    const std::string state = ContainerStateDir(root_, id);
    ASSERT_EQ(::mkdir(state.c_str(), 0700), 0);
    for (const char* file : {kOutputLogFile, kShimLogFile, kExitRecordFile})
      ASSERT_TRUE(WriteFileAtomically(state + file, "old output", 0640, Durability::kProcessCrash).ok());
  }

  std::vector<std::string> Sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
  }

  std::unique_ptr<OverlaySnapshotter> overlay_;
};

TEST_F(RecycleTest, ARemovedContainersDirectoriesBecomeAnEmptySpare) {
  PrewarmPool pool({root_, "agent1", 1, nullptr, nullptr}, &backend_, &cgroups_, overlay_.get());
  MakeRemovedContainer("c1");
  // A `logs -f` of the removed container, still reading.
  UniqueFd old_output(::open((ContainerStateDir(root_, "c1") + kOutputLogFile).c_str(), O_RDONLY));
  ASSERT_TRUE(old_output);
  ASSERT_TRUE(pool.Recycle("c1"));

  EXPECT_EQ(::access(ContainerStateDir(root_, "c1").c_str(), F_OK), -1) << "renamed";
  EXPECT_TRUE(overlay_->ListKeys().size() == 1 && overlay_->ListKeys()[0] != "c1");
  auto spare = pool.TakeSpare();
  ASSERT_TRUE(spare.has_value());
  EXPECT_EQ(spare->rfind("spare-", 0), 0u) << *spare;
  EXPECT_EQ(overlay_->ListKeys(), std::vector<std::string>{*spare});
  EXPECT_TRUE(ListDirectoryNames(overlay_->ChangesDir(*spare)).empty()) << "no change left";
  const std::string state = ContainerStateDir(root_, *spare);
  EXPECT_EQ(Sorted(ListDirectoryNames(state)), (std::vector<std::string>{"output.log", "shim.log"}));
  for (const char* file : kContainerLogFiles) {
    struct stat st {};
    ASSERT_EQ(::stat((state + file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_size, 0) << file;
    EXPECT_EQ(st.st_mode & 07777, 0640u) << file;
  }
  // The reader keeps the old file, and will never see the next container's output.
  {
    UniqueFd next(::open((state + kOutputLogFile).c_str(), O_WRONLY | O_APPEND));  // as a shim
    ASSERT_TRUE(next);
    ASSERT_EQ(::write(next.get(), "new", 3), 3);
  }
  char read_back[32] = {};
  EXPECT_EQ(::pread(old_output.get(), read_back, sizeof read_back - 1, 0), 10);
  EXPECT_STREQ(read_back, "old output");
  // The spare is one like the refill makes: a create can rekey it.
  EXPECT_TRUE(overlay_->Rekey(*spare, "c2", IdMapping{}).ok());
  EXPECT_FALSE(pool.TakeSpare().has_value());
  pool.Stop();
}

TEST_F(RecycleTest, SparesAreKeptUpToTheLimitAndNotByADisabledPool) {
  {
    PrewarmPool disabled({root_, "agent1", 0, nullptr, nullptr}, &backend_, &cgroups_,
                         overlay_.get());
    MakeRemovedContainer("c0");
    EXPECT_FALSE(disabled.KeepsSpares());
    EXPECT_FALSE(disabled.Recycle("c0")) << "--prewarm 0: no spares at all";
    EXPECT_EQ(overlay_->ListKeys(), std::vector<std::string>{"c0"}) << "left for the caller";
    ASSERT_TRUE(overlay_->Remove("c0").ok());
    ASSERT_TRUE(RemoveTree(ContainerStateDir(root_, "c0")).ok());
  }
  PrewarmPool pool({root_, "agent1", 1, nullptr, nullptr}, &backend_, &cgroups_, overlay_.get());
  ASSERT_GT(pool.MaxSpares(), 1u);
  for (size_t i = 0; i < pool.MaxSpares(); ++i) {
    MakeRemovedContainer("c" + std::to_string(i));
    ASSERT_TRUE(pool.Recycle("c" + std::to_string(i))) << i;
  }
  MakeRemovedContainer("over");
  EXPECT_FALSE(pool.Recycle("over")) << "the pool is full";
  EXPECT_EQ(ListDirectoryNames(ContainerStateDir(root_, "over")).size(), 3u) << "untouched";
  // Taking one makes room again.
  ASSERT_TRUE(pool.TakeSpare().has_value());
  EXPECT_TRUE(pool.Recycle("over"));
  pool.Stop();
  EXPECT_TRUE(overlay_->ListKeys().size() <= 1u) << "Stop discards the spares (one was taken)";
}

TEST_F(RecycleTest, TheRefillMakesNoSpareWhileRecycledOnesAreMoreThanItsCount) {
  PrewarmPool pool({root_, "agent1", 2, nullptr, nullptr}, &backend_, &cgroups_, overlay_.get());
  pool.Start();
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 2 && overlay_->ListKeys().size() >= 2; }));
  for (const char* id : {"c1", "c2", "c3", "c4"}) {
    MakeRemovedContainer(id);
    ASSERT_TRUE(pool.Recycle(id));
  }
  // The helpers run short (a refill), the spares do not.
  for (int taken = 0; taken < 2; ++taken) {
    auto slot = pool.TakeSlot(&backend_);
    ASSERT_TRUE(slot.has_value());
    pool.ReleaseSlot(std::move(*slot));
  }
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(overlay_->ListKeys().size(), 6u);
  EXPECT_EQ(ListDirectoryNames(root_ + "/containers").size(), 6u);
  pool.Stop();
  EXPECT_TRUE(overlay_->ListKeys().empty());
}

TEST_F(PrewarmPoolTest, ARecycleThatFailsLeavesTheDirectoriesUnderTheContainersId) {
  PrewarmPool pool({root_, "agent1", 1, nullptr, nullptr}, &backend_, &cgroups_, &snapshotter_);
  ON_CALL(snapshotter_, Reset(_)).WillByDefault(Return(Internal("the disk is gone")));
  const std::string state = ContainerStateDir(root_, "c1");
  ASSERT_EQ(::mkdir(state.c_str(), 0700), 0);
  ASSERT_TRUE(WriteFileAtomically(state + kExitRecordFile, "{}").ok());
  EXPECT_FALSE(pool.Recycle("c1"));
  EXPECT_EQ(ListDirectoryNames(state), std::vector<std::string>{"exit.json"});
  EXPECT_FALSE(pool.TakeSpare().has_value());
}

TEST_F(PrewarmPoolTest, RefillsWaitForTheStartsToLeaveTheIdleGateIdle) {
  IdleGate gate(std::chrono::milliseconds(5), std::chrono::seconds(30));
  PrewarmPool pool({root_, "agent1", 2, nullptr, nullptr, &gate}, &backend_, &cgroups_,
                   &snapshotter_);
  pool.Start();
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 2; })) << "filled while idle";
  {
    IdleGate::Busy burst(&gate);
    ASSERT_TRUE(pool.TakeSlot(&backend_).has_value());
    ASSERT_TRUE(pool.TakeSlot(&backend_).has_value());
    EXPECT_FALSE(pool.TakeSlot(&backend_).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(backend_.helpers, 2) << "a refill ran while a start was busy";
  }
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 4; })) << "no refill once idle";
  // A helper made is in the pool only once its slot is (under load, a while later).
  ASSERT_TRUE(Eventually([&] { return pool.TakeSlot(&backend_).has_value(); }));
  // Stop does not wait for a busy gate.
  IdleGate::Busy busy(&gate);
  const auto asked = std::chrono::steady_clock::now();
  pool.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
}

TEST_F(PrewarmPoolTest, ABurstThatAskedForMoreGrowsThePoolWhichHalvesBackUnasked) {
  IdleGate gate(std::chrono::milliseconds(5), std::chrono::seconds(30));
  PrewarmPoolConfig config{root_, "agent1", 2, nullptr, nullptr, &gate};
  config.shrink_after = std::chrono::milliseconds(300);
  PrewarmPool pool(config, &backend_, &cgroups_, &snapshotter_);
  pool.Start();
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 2; }));
  {
    IdleGate::Busy burst(&gate);
    int taken = 0;
    for (int i = 0; i < 6; ++i) taken += pool.TakeSlot(&backend_).has_value();
    EXPECT_EQ(taken, 2) << "the pool held 2";
  }
  // The burst asked for 6: the refill makes 6, not 2.
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 8; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(backend_.helpers, 8);
  int taken = 0;
  {
    IdleGate::Busy burst(&gate);
    for (int i = 0; i < 6; ++i) taken += pool.TakeSlot(&backend_).has_value();
  }
  EXPECT_EQ(taken, 6);
  ASSERT_TRUE(Eventually([&] { return backend_.helpers >= 14; })) << "refilled to 6 again";
  // Unasked for 300 ms, it keeps 3, then 2 (`count`), never fewer.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(backend_.helpers, 14) << "shrinking makes no helper";
  IdleGate::Busy burst(&gate);
  taken = 0;
  for (int i = 0; i < 6; ++i) taken += pool.TakeSlot(&backend_).has_value();
  EXPECT_EQ(taken, 2);
}

}  // namespace
}  // namespace boxcar
