// The agent on a full disk: its --root on a small loop-mounted ext4 that a filler file fills.
// Removals still work there (the space reserve, common/space_reserve.h), an exit code survives
// (the exit record's reserve, launch/exit_record_reserve.h), a failed `cp` leaves nothing, the
// errors say whose disk is full, and `image prune -a` drops the kept build contexts.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "lxc_leftovers.h"

namespace boxcar::testing {
namespace {

// A 96 MiB ext4 in a file, loop-mounted; unmounted, detached and removed however the test ends.
class LoopDisk {
 public:
  LoopDisk() {
    char dir_template[] = "/tmp/boxcar-full-XXXXXX";
    if (::mkdtemp(dir_template) != nullptr) dir_ = dir_template;
  }
  ~LoopDisk() {
    Unmount();
    // mount -o loop frees its device at the unmount (autoclear), once nothing holds it.
    for (int i = 0; i < 40 && !LoopDevices().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!LoopDevices().empty()) Sh("losetup -d " + LoopDevices());
    if (!dir_.empty()) (void)RemoveTree(dir_);
  }

  // Mounts the filesystem on `mount_point` (made if missing).
  bool Mount(const std::string& mount_point) {
    if (dir_.empty() || MakeDirectories(mount_point, 0700).ok() == false) return false;
    if (Sh("truncate -s 96M " + image() + " && mkfs.ext4 -q -m 0 -b 4096 -F " + image() +
           " && mount -o loop " + image() + " " + mount_point) != 0)
      return false;
    mount_point_ = mount_point;
    return true;
  }
  void Unmount() {
    if (!mount_point_.empty() && ::umount2(mount_point_.c_str(), 0) != 0 && errno == EBUSY)
      ::umount2(mount_point_.c_str(), MNT_DETACH);
    mount_point_.clear();
  }
  // Fills it to the last block, then frees `leave_bytes` of it.
  void Fill(uint64_t leave_bytes = 0) {
    // Written back, ext4 gives back the blocks it held for delayed allocation: filled again.
    Sh("dd if=/dev/zero of=" + Filler() + " bs=1M; sync -f " + Filler() + "; dd if=/dev/zero of=" +
       Filler() + "2 bs=4k; sync -f " + Filler() + "; dd if=/dev/zero of=" + Filler() + "3 bs=4k");
    if (leave_bytes > 0) Sh("truncate -s -" + std::to_string(leave_bytes) + " " + Filler());
  }
  void Free() { Sh("rm -f " + Filler() + " " + Filler() + "2 " + Filler() + "3"); }
  uint64_t FreeBytes() const {
    struct statvfs fs;
    return ::statvfs(mount_point_.c_str(), &fs) == 0 ? fs.f_bavail * fs.f_frsize : 0;
  }
  // A scratch directory off the filesystem.
  const std::string& dir() const { return dir_; }

 private:
  std::string image() const { return dir_ + "/disk.img"; }
  std::string Filler() const { return mount_point_ + "/filler"; }
  std::string LoopDevices() const {
    std::string out;
    FILE* pipe = ::popen(("losetup -n -O NAME -j " + image() + " 2>/dev/null").c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    ::pclose(pipe);
    for (char& c : out) c = c == '\n' ? ' ' : c;
    return out.find_first_not_of(' ') == std::string::npos ? "" : out;
  }
  static int Sh(const std::string& command) {
    return std::system(("(" + command + ") >/dev/null 2>&1").c_str());
  }

  std::string dir_;
  std::string mount_point_;
};

// LoopDisk first: destroyed after the agent's harness, which unmounts what is below --root.
class DiskFullTest : public LoopDisk, public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Mount(agent_.root_dir())) << "loop-mounted ext4 on " << agent_.root_dir();
    StartAgentWithBusybox({"--prewarm", "0"});
  }
  // StopAgentAndCheckLeftovers, but with the loop filesystem unmounted before the checks.
  void TearDown() override {
    Free();
    agent_.RemoveAllContainers();
    agent_.Stop();
    Unmount();
    EXPECT_EQ(agent_.LeftoverMounts(), "");
    EXPECT_EQ(agent_.LeftoverShims(), "");
    EXPECT_EQ(agent_.LeftoverCgroups(), "");
  }
  std::string Root(const std::string& name) { return agent_.root_dir() + "/" + name; }
  bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
  std::string DiskFullText() { return "no space left on the filesystem of " + agent_.root_dir(); }
};

TEST_F(DiskFullTest, RemovalsWorkOnAFullDiskAndErrorsSayWhoseDiskIsFull) {
  const std::string extra_tar = dir() + "/extra.tar";
  const std::string big_tar = dir() + "/big.tar";
  WriteTarball(extra_tar, {{TarMember::kFile, "extra", std::string(64 << 10, 'x')}});
  WriteTarball(big_tar, {{TarMember::kFile, "big", std::string(4 << 20, 'y')}});
  ASSERT_TRUE(agent_.ImportTarball(extra_tar, "extra:1").ok());
  const std::string id = RunDetached({"--name", "r1"}, {"sleep", "1000"});
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(Exists(Root("space-reserve")));

  Fill();
  ASSERT_LT(FreeBytes(), 1u << 20);
  grpc::Status imported = agent_.ImportTarball(big_tar, "big:1");
  EXPECT_EQ(imported.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(imported.error_message().find(DiskFullText()), std::string::npos)
      << imported.error_message();

  CommandResult removed = agent_.Cli({"rm", "-f", "r1"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  CommandResult image_removed = agent_.Cli({"image", "rm", "extra:1"});
  EXPECT_EQ(image_removed.exit_code, 0) << image_removed.err;
  CommandResult pruned = agent_.Cli({"image", "prune", "-a"});
  EXPECT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("Deleted: " + image_id_), std::string::npos) << pruned.out;
  CommandResult listed = agent_.Cli({"ps", "-a", "-q"});
  EXPECT_EQ(listed.out, "");
  auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
  EXPECT_NE(log.ok() ? log->find("the disk is full") : std::string::npos, std::string::npos);
}

// The exit code, on each backend whose shim records it: boxcar-shim (chroot) and
// boxcar-lxc-shim (lxc), which reported 255 here ("no exit record") until it took a reserve.
class DiskFullExitCodeTest : public DiskFullTest,
                             public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Mount(agent_.root_dir())) << "loop-mounted ext4 on " << agent_.root_dir();
    StartBackendAgent(GetParam(), {"--prewarm", "0"});
  }
  void TearDown() override {
    DiskFullTest::TearDown();
    if (GetParam() == "lxc") {
      EXPECT_EQ(LxcShimProcesses(), "");
      EXPECT_EQ(LxcCgroupsAnywhere(), "") << "LXC made cgroups of its own";
    }
  }
};

TEST_P(DiskFullExitCodeTest, ExitCodeSurvivesAFullDiskAndARestart) {
  const std::string id = RunDetached({}, {"sh", "-c", "sleep 3; exit 3"});
  ASSERT_FALSE(id.empty());
  Fill();
  ASSERT_LT(FreeBytes(), 1u << 20);
  CommandResult waited = agent_.Cli({"wait", id});
  EXPECT_EQ(waited.out, "3\n") << waited.err;
  EXPECT_EQ(Inspect(id).exit_code(), 3);

  agent_.Stop();
  Free();
  RestartAgent();
  EXPECT_EQ(Inspect(id).exit_code(), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiskFullExitCodeTest, ::testing::Values("chroot", "lxc"),
                         [](const auto& info) { return info.param; });

TEST_F(DiskFullTest, AFailedCopyIntoAContainerLeavesNothing) {
  const std::string source = dir() + "/b.bin";
  ASSERT_EQ(
      std::system(("dd if=/dev/urandom of=" + source + " bs=1M count=24 2>/dev/null").c_str()), 0);
  ASSERT_FALSE(RunDetached({"--name", "c"}, {"sleep", "1000"}).empty());

  // Room for the spooled tar, not for the file written from it as well.
  Fill(36 << 20);
  CommandResult copied = agent_.Cli({"cp", source, "c:/"});
  EXPECT_NE(copied.exit_code, 0);
  EXPECT_NE(copied.err.find(DiskFullText()), std::string::npos) << copied.err;
  CommandResult listed = agent_.Cli({"exec", "c", "ls", "-a", "/"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("b.bin"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(".boxcar-cp-"), std::string::npos) << listed.out;

  // Not even room for the spooled tar: the message names where it was kept.
  Free();
  Fill(8 << 20);
  copied = agent_.Cli({"cp", source, "c:/"});
  EXPECT_NE(copied.exit_code, 0);
  EXPECT_NE(copied.err.find("copied tar, kept in an unnamed file of '" + agent_.root_dir()),
            std::string::npos)
      << copied.err;
  EXPECT_NE(copied.err.find(DiskFullText()), std::string::npos) << copied.err;
}

TEST_F(DiskFullTest, PruneAllDropsTheKeptBuildContexts) {
  const std::string context = dir() + "/context";
  ASSERT_TRUE(MakeDirectories(context, 0755).ok());
  std::ofstream(context + "/Dockerfile") << "FROM busybox\nRUN false\n";
  ASSERT_EQ(
      std::system(("dd if=/dev/zero of=" + context + "/big bs=1M count=16 2>/dev/null").c_str()),
      0);
  CommandResult built = agent_.Cli({"build", "-t", "failing:1", context});
  EXPECT_NE(built.exit_code, 0);
  ASSERT_FALSE(ListDirectoryNames(Root("build-contexts")).empty()) << "kept after a failure";

  CommandResult pruned = agent_.Cli({"image", "prune", "-a", "--json"});
  EXPECT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_TRUE(ListDirectoryNames(Root("build-contexts")).empty());
  // The context's 16 MiB, and busybox's few.
  std::smatch reclaimed;
  ASSERT_TRUE(
      std::regex_search(pruned.out, reclaimed, std::regex("\"reclaimed_?[bB]ytes\": ?\"?([0-9]+)")))
      << pruned.out;
  EXPECT_GE(std::stoull(reclaimed[1]), 16u << 20) << pruned.out;
}

}  // namespace
}  // namespace boxcar::testing
