// Conformance, resource limits on every backend (conformance_test.cc says how the suite
// works): memory, pids, CPU and block I/O limits reach the cgroup and act, stats report usage
// and limits, update changes them on a running container.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <sstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceLimitsTest : public ConformanceTest {};

TEST_P(ConformanceLimitsTest, MemoryLimitOomKillsThePayload) {
  std::string id = RunDetached({"-m", "16m"}, {"sh", "-c", "sleep 0.5; tail /dev/zero"});
  std::string limit_file = agent_.CgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max");
  auto limit = ReadFileToString(limit_file);
  ASSERT_TRUE(limit.ok()) << limit_file;
  EXPECT_EQ(*limit, "16777216\n");
  CommandResult wait = agent_.Cli({"wait", id});
  v1::Container exited = Inspect(id);
  EXPECT_TRUE(exited.oom_killed());
  // tail is a child of PID 1 (sh): sh reports the kill as 128 + 9.
  EXPECT_EQ(wait.out, "137\n");
}

TEST_P(ConformanceLimitsTest, PidsLimitIsEnforced) {
  CommandResult result = RunRm({"--pids-limit", "5"},
                               {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"});
  EXPECT_NE(result.err.find("can't fork"), std::string::npos) << result.err;
  CommandResult unlimited =
      RunRm({}, {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; wait"});
  EXPECT_EQ(unlimited.err, "");
}

TEST_P(ConformanceLimitsTest, CpuLimitIsWrittenToTheCgroup) {
  std::string id = RunDetached({"--cpus", "0.5", "--cpu-shares", "512"}, {"sleep", "30"});
  auto quota = ReadFileToString(agent_.CgroupFile(id, "cpu", "cpu.cfs_quota_us", "cpu.max"));
  ASSERT_TRUE(quota.ok());
  EXPECT_TRUE(*quota == "50000\n" || *quota == "50000 100000\n") << *quota;
  // cpu.weight on cgroup2: 1 + (512 - 2) * 9999 / 262142 = 20.
  auto shares = ReadFileToString(agent_.CgroupFile(id, "cpu", "cpu.shares", "cpu.weight"));
  ASSERT_TRUE(shares.ok());
  EXPECT_TRUE(*shares == "512\n" || *shares == "20\n") << *shares;
  CommandResult updated = agent_.Cli({"update", "--cpu-shares", "2048", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  shares = ReadFileToString(agent_.CgroupFile(id, "cpu", "cpu.shares", "cpu.weight"));
  EXPECT_TRUE(*shares == "2048\n" || *shares == "79\n") << *shares;
  EXPECT_EQ(Inspect(id).spec().limits().cpu_shares(), 2048u) << "the new weight persists";
  CommandResult out_of_range = agent_.Cli({"update", "--cpu-shares", "1", id});
  EXPECT_NE(out_of_range.err.find("limits.cpu_shares"), std::string::npos) << out_of_range.err;
  CommandResult refused = agent_.Cli({"create", "--cpu-shares", "300000", "busybox", "true"});
  EXPECT_NE(refused.err.find("spec.limits.cpu_shares"), std::string::npos) << refused.err;
}

// A whole disk of this host: /dev/<name> of the first /sys/block entry that has a node
// (vda before loop devices), or "" when there is none.
std::string SomeWholeDisk(std::string* major_minor) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir("/sys/block")) {
    while (struct dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') names.push_back(entry->d_name);
    }
    ::closedir(dir);
  }
  std::sort(names.begin(), names.end());
  std::stable_partition(names.begin(), names.end(),
                        [](const std::string& name) { return name.rfind("loop", 0) != 0; });
  for (const auto& name : names) {
    struct stat st;
    if (::stat(("/dev/" + name).c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    auto dev = ReadFileToString("/sys/block/" + name + "/dev");
    if (!dev.ok()) continue;
    *major_minor = dev->substr(0, dev->find('\n'));
    return "/dev/" + name;
  }
  return "";
}

TEST_P(ConformanceLimitsTest, BlockDeviceBandwidthLimitsReachTheCgroup) {
  std::string major_minor;
  const std::string disk = SomeWholeDisk(&major_minor);
  if (disk.empty()) GTEST_SKIP() << "no whole-disk block device node on this host";
  std::string id =
      RunDetached({"--device-read-bps", disk + ":1m", "--device-write-bps", disk + ":2m",
                   "--device-read-iops", disk + ":300", "--device-write-iops", disk + ":40"},
                  {"sleep", "30"});
  auto read_limit =
      ReadFileToString(agent_.CgroupFile(id, "blkio", "blkio.throttle.read_bps_device", "io.max"));
  ASSERT_TRUE(read_limit.ok()) << read_limit.status().message();
  if (read_limit->find("rbps=") != std::string::npos) {  // cgroup2 io.max
    EXPECT_NE(read_limit->find(major_minor + " rbps=1048576 wbps=2097152 riops=300 wiops=40"),
              std::string::npos)
        << *read_limit;
  } else {
    EXPECT_EQ(*read_limit, major_minor + " 1048576\n");
    const std::pair<const char*, std::string> others[] = {
        {"blkio.throttle.write_bps_device", " 2097152\n"},
        {"blkio.throttle.read_iops_device", " 300\n"},
        {"blkio.throttle.write_iops_device", " 40\n"},
    };
    for (const auto& [file, value] : others) {
      auto limit = ReadFileToString(agent_.CgroupFile(id, "blkio", file, "io.max"));
      ASSERT_TRUE(limit.ok()) << file;
      EXPECT_EQ(*limit, major_minor + value) << file;
    }
  }
  // Not a block device, and a disk named twice: refused, naming the field; nothing created.
  CommandResult character = RunRm({"--device-read-bps", "/dev/null:1m"}, {"true"});
  EXPECT_EQ(character.exit_code, 125);
  EXPECT_NE(character.err.find("spec.limits.block_devices[0].device"), std::string::npos)
      << character.err;
  v1::ContainerSpec twice;
  twice.set_image("busybox");
  twice.add_command("true");
  for (int i = 0; i < 2; ++i) {
    auto* limit = twice.mutable_limits()->add_block_devices();
    limit->set_device(disk);
    limit->set_read_bps(1 << 20);
  }
  grpc::Status status = Create(twice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.limits.block_devices[1].device"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, id.substr(0, 12) + "\n");
}

TEST_P(ConformanceLimitsTest, StatsReportUsageAndLimits) {
  std::string id = RunDetached({"-m", "64m", "--pids-limit", "20"},
                               {"sh", "-c",
                                "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; "
                                "sleep 1000 & sleep 1000 & wait"});
  v1::ContainerStats stats;
  grpc::Status status = Stats(id, &stats);
  if (!Has("limits")) {
    ExpectUnimplemented(status);
    return;
  }
  for (int i = 0; i < 500 && status.ok() && stats.pids_current() != 3; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    status = Stats(id, &stats);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stats.id(), id);
  EXPECT_GT(stats.cpu_usage_ns(), 1000000u) << "the busy loop used at least a millisecond";
  EXPECT_GT(stats.memory_usage_bytes(), 0u);
  EXPECT_LT(stats.memory_usage_bytes(), 64u << 20);
  EXPECT_EQ(stats.memory_limit_bytes(), 64u << 20);
  EXPECT_EQ(stats.pids_current(), 3u) << "sh and two sleeps";
  EXPECT_EQ(stats.pids_limit(), 20u);

  CommandResult json = agent_.Cli({"stats", "--no-stream", "--json", id});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"memory_limit_bytes\":\"67108864\""), std::string::npos) << json.out;

  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  agent_.Cli({"wait", id});
  grpc::Status exited = Stats(id, &stats);
  EXPECT_EQ(exited.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << exited.error_message();
  grpc::Status unknown = Stats("nosuchcontainer", &stats);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ConformanceLimitsTest, UpdateChangesTheLimitsOfARunningContainer) {
  if (!Has("limits")) GTEST_SKIP() << GetParam() << " has no limits";
  std::string id = RunDetached({"-m", "64m", "--pids-limit", "20"}, {"sleep", "1000"});
  CommandResult update =
      agent_.Cli({"update", "--memory", "32m", "--pids-limit", "3", "--cpus", "0.25", id});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  auto memory =
      ReadFileToString(agent_.CgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max"));
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(*memory, "33554432\n");
  auto quota = ReadFileToString(agent_.CgroupFile(id, "cpu", "cpu.cfs_quota_us", "cpu.max"));
  ASSERT_TRUE(quota.ok());
  EXPECT_TRUE(*quota == "25000\n" || *quota == "25000 100000\n") << *quota;
  v1::ContainerStats stats;
  ASSERT_TRUE(Stats(id, &stats).ok());
  EXPECT_EQ(stats.pids_limit(), 3u);
  EXPECT_EQ(stats.memory_limit_bytes(), 32u << 20);
  v1::Container updated = Inspect(id);
  EXPECT_EQ(updated.spec().limits().memory_bytes(), 32u << 20) << "the new limits persist";
  EXPECT_EQ(updated.spec().limits().pids_max(), 3u);

  // Bad values name the field and change nothing.
  v1::UpdateContainerRequest tiny;
  tiny.set_container(id);
  tiny.set_memory_bytes(1000);
  tiny.set_pids_max(50);
  grpc::Status refused = Update(tiny);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("memory_bytes"), std::string::npos)
      << refused.error_message();
  ASSERT_TRUE(Stats(id, &stats).ok());
  EXPECT_EQ(stats.pids_limit(), 3u);

  // 0 lifts a limit.
  v1::UpdateContainerRequest lift;
  lift.set_container(id);
  lift.set_memory_bytes(0);
  ASSERT_TRUE(Update(lift).ok());
  ASSERT_TRUE(Stats(id, &stats).ok());
  EXPECT_EQ(stats.memory_limit_bytes(), 0u);
  v1::UpdateContainerRequest unknown;
  unknown.set_container("nosuchcontainer");
  unknown.set_pids_max(5);
  EXPECT_EQ(Update(unknown).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceLimitsTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
