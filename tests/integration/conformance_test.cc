// The conformance suite: what every backend must do, run against each of them (TEST_P over
// backend names) through a real boxcard, its CLI and gRPC, as root, with real namespaces,
// cgroups and overlayfs. A backend skips a test only when its capability flags (boxcar info)
// say it lacks the feature, and then the call must fail with UNIMPLEMENTED naming it.
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

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;

class ConformanceTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  // For a capability the backend lacks: `status` must be UNIMPLEMENTED naming the backend.
  void ExpectUnimplemented(const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << status.error_message();
    EXPECT_NE(status.error_message().find(GetParam()), std::string::npos) << status.error_message();
  }

  grpc::Status Pause(const std::string& container) {
    grpc::ClientContext context;
    v1::PauseContainerRequest request;
    request.set_container(container);
    v1::Container ignored;
    return agent_.containers().Pause(&context, request, &ignored);
  }

  grpc::Status Unpause(const std::string& container) {
    grpc::ClientContext context;
    v1::UnpauseContainerRequest request;
    request.set_container(container);
    v1::Container ignored;
    return agent_.containers().Unpause(&context, request, &ignored);
  }

  grpc::Status Stats(const std::string& container, v1::ContainerStats* stats) {
    grpc::ClientContext context;
    v1::StatsRequest request;
    request.set_container(container);
    return agent_.containers().Stats(&context, request, stats);
  }

  grpc::Status Update(v1::UpdateContainerRequest request) {
    grpc::ClientContext context;
    v1::Container ignored;
    return agent_.containers().Update(&context, request, &ignored);
  }

  // Bytes of stdout captured so far.
  size_t LogSize(const std::string& container) {
    return agent_.Cli({"logs", container}).out.size();
  }
};

TEST_P(ConformanceTest, RunPrintsOutputAndReturnsTheExitCode) {
  CommandResult hello = RunRm({}, {"echo", "hello", "from", "boxcar"});
  EXPECT_EQ(hello.exit_code, 0) << hello.err;
  EXPECT_EQ(hello.out, "hello from boxcar\n");
  CommandResult failing = RunRm({}, {"sh", "-c", "echo to-stderr >&2; exit 7"});
  EXPECT_EQ(failing.exit_code, 7);
  EXPECT_EQ(failing.err, "to-stderr\n");
  CommandResult list = agent_.Cli({"ps", "-a", "--json"});
  EXPECT_EQ(list.out, "[]\n") << "--rm containers must be gone";
}

TEST_P(ConformanceTest, EnvWorkingDirAndUserReachThePayload) {
  CommandResult result = RunRm({"-e", "GREETING=hi there", "-w", "/work/dir", "-u", "nobody"},
                               {"sh", "-c", "echo \"$GREETING\"; pwd; id -u; id -g"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "hi there\n/work/dir\n65534\n65534\n");
  CommandResult listing = RunRm({"-u", "nobody"}, {"ls", "/bin/sh"});
  EXPECT_EQ(listing.exit_code, 0) << "a non-root payload must be able to read the rootfs: "
                                  << listing.err;
  CommandResult numeric = RunRm({"-u", "1234:4321"}, {"sh", "-c", "id -u; id -g"});
  EXPECT_EQ(numeric.out, "1234\n4321\n");
  CommandResult unknown = RunRm({"-u", "nosuchuser"}, {"true"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("nosuchuser"), std::string::npos) << unknown.err;
}

TEST_P(ConformanceTest, PayloadIsPidOneWithItsOwnHostname) {
  CommandResult result =
      RunRm({"--hostname", "boxy"}, {"sh", "-c", "echo $$; hostname; ps -o pid= | wc -l"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::string pid, hostname;
  std::getline(lines, pid);
  std::getline(lines, hostname);
  EXPECT_EQ(pid, "1");
  EXPECT_EQ(hostname, "boxy");
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  EXPECT_NE(std::string(host_hostname), "boxy") << "the host's hostname must not change";
}

// Prewarmed helpers wait at SCHED_IDLE; the payload must never inherit that (nor a nice value).
TEST_P(ConformanceTest, PayloadRunsAtNormalSchedulingPriority) {
  for (int run = 0; run < 3; ++run) {  // cold and prewarmed starts alike
    CommandResult result = RunRm({}, {"awk", "{print $19, $41}", "/proc/self/stat"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "0 0\n") << "nice and policy (0 = SCHED_OTHER) of the payload";
  }
}

// The minimal /dev: the usual character devices, readable and writable by any user.
TEST_P(ConformanceTest, DevicesWorkForAnyUser) {
  CommandResult result = RunRm(
      {"-u", "nobody"},
      {"sh", "-c",
       "echo x > /dev/null && head -c 5 /dev/zero | wc -c && head -c 3 /dev/urandom | wc -c && "
       "stat -c '%n %t:%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "5\n3\n/dev/null 1:3 666\n/dev/zero 1:5 666\n/dev/full 1:7 666\n"
            "/dev/random 1:8 666\n/dev/urandom 1:9 666\n");
  CommandResult full = RunRm({"-u", "nobody"}, {"sh", "-c", "echo x > /dev/full"});
  EXPECT_NE(full.exit_code, 0) << "/dev/full must refuse writes (ENOSPC)";
  // The nodes are made with umask 0; the payload still gets the usual one.
  CommandResult umask = RunRm({}, {"sh", "-c", "umask"});
  EXPECT_EQ(umask.out, "0022\n") << umask.err;
}

TEST_P(ConformanceTest, NoHostMountIsVisibleInside) {
  CommandResult result = RunRm({}, {"cat", "/proc/self/mountinfo"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  int mounts = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    ++mounts;
    // The rootfs, /proc, /sys, /dev and what masks or narrows them (/proc/sys read-only, ...).
    bool expected = field == "/" || field == "/proc" || field == "/sys" || field == "/dev" ||
                    field.rfind("/dev/", 0) == 0 || field.rfind("/proc/", 0) == 0 ||
                    field.rfind("/sys/", 0) == 0;
    EXPECT_TRUE(expected) << "unexpected mount point inside: " << line;
  }
  EXPECT_GE(mounts, 4);
  CommandResult sys = RunRm({}, {"touch", "/sys/kernel/boxcar-test"});
  EXPECT_NE(sys.exit_code, 0) << "/sys must be read-only";
  CommandResult devices = RunRm({}, {"sh", "-c", "ls /dev | sort | tr '\\n' ' '"});
  EXPECT_EQ(devices.out, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ");
}

TEST_P(ConformanceTest, LoopbackIsTheOnlyInterface) {
  CommandResult result = RunRm(
      {}, {"sh", "-c",
           "ls /sys/class/net | tr '\\n' ' '; ping -c1 -W1 127.0.0.1 >/dev/null && echo ping-ok"});
  EXPECT_EQ(result.out, "lo ping-ok\n") << result.err;
}

TEST_P(ConformanceTest, MemoryLimitOomKillsThePayload) {
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

TEST_P(ConformanceTest, PidsLimitIsEnforced) {
  CommandResult result = RunRm({"--pids-limit", "5"},
                               {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"});
  EXPECT_NE(result.err.find("can't fork"), std::string::npos) << result.err;
  CommandResult unlimited =
      RunRm({}, {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; wait"});
  EXPECT_EQ(unlimited.err, "");
}

TEST_P(ConformanceTest, CpuLimitIsWrittenToTheCgroup) {
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

TEST_P(ConformanceTest, BlockDeviceBandwidthLimitsReachTheCgroup) {
  std::string major_minor;
  const std::string disk = SomeWholeDisk(&major_minor);
  if (disk.empty()) GTEST_SKIP() << "no whole-disk block device node on this host";
  std::string id = RunDetached({"--device-read-bps", disk + ":1m", "--device-write-bps",
                                disk + ":2m", "--device-read-iops", disk + ":300",
                                "--device-write-iops", disk + ":40"},
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

TEST_P(ConformanceTest, StopSendsTermThenKill) {
  // sleep as PID 1 has no TERM handler, so only SIGKILL ends it.
  std::string stubborn = RunDetached({}, {"sleep", "100"});
  auto begin = std::chrono::steady_clock::now();
  CommandResult stop = agent_.Cli({"stop", "-t", "1", stubborn});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  v1::Container killed = Inspect(stubborn);
  EXPECT_EQ(killed.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(killed.exit_code(), 137);
  EXPECT_EQ(killed.exit_signal(), SIGKILL);

  std::string polite =
      RunDetached({}, {"sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CommandResult kill = agent_.Cli({"kill", "-s", "TERM", polite});
  EXPECT_EQ(kill.exit_code, 0) << kill.err;
  CommandResult wait = agent_.Cli({"wait", polite});
  EXPECT_EQ(wait.out, "42\n");
  EXPECT_EQ(wait.exit_code, 42);
  CommandResult kill_exited = agent_.Cli({"kill", polite});
  EXPECT_EQ(kill_exited.exit_code, 1);
  EXPECT_NE(kill_exited.err.find("not running"), std::string::npos) << kill_exited.err;
}

TEST_P(ConformanceTest, LogsCaptureAndFollow) {
  std::string id =
      RunDetached({"--name", "talker"},
                  {"sh", "-c", "echo one; sleep 0.3; echo two >&2; sleep 0.2; echo three"});
  CommandResult follow = agent_.Cli({"logs", "-f", "talker"});
  EXPECT_EQ(follow.out, "one\nthree\n");
  EXPECT_EQ(follow.err, "two\n");
  CommandResult again = agent_.Cli({"logs", id.substr(0, 8)});
  EXPECT_EQ(again.out, "one\nthree\n");
}

TEST_P(ConformanceTest, RemoveRefusesRunningContainersUnlessForced) {
  std::string id = RunDetached({}, {"sleep", "100"});
  CommandResult refused = agent_.Cli({"rm", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is running"), std::string::npos) << refused.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  CommandResult forced = agent_.Cli({"rm", "-f", id});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  CommandResult gone = agent_.Cli({"inspect", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("no container"), std::string::npos);
}

TEST_P(ConformanceTest, ExitedContainerCanBeStartedAgain) {
  CommandResult created = agent_.Cli(
      {"create", "--name", "again", "busybox", "sh", "-c", "echo run >> /count; wc -l < /count"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(agent_.Cli({"start", "again"}).exit_code, 0);
    EXPECT_EQ(agent_.Cli({"wait", "again"}).exit_code, 0);
  }
  // The upper layer persists across runs of the same container.
  EXPECT_EQ(agent_.Cli({"logs", "again"}).out, "1\n2\n");
}

TEST_P(ConformanceTest, ContainersSurviveKillNineOfTheAgent) {
  std::string long_running = RunDetached({}, {"sh", "-c", "sleep 2; exit 5"});
  std::string short_lived = RunDetached({}, {"sh", "-c", "sleep 0.3; exit 9"});
  pid_t payload = Inspect(long_running).pid();
  agent_.Stop(/*kill9=*/true);
  EXPECT_EQ(::kill(payload, 0), 0) << "the payload must outlive the agent";
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  v1::Container still_running = Inspect(long_running);
  EXPECT_EQ(still_running.state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(still_running.pid(), payload);
  v1::Container exited_meanwhile = Inspect(short_lived);
  EXPECT_EQ(exited_meanwhile.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(exited_meanwhile.exit_code(), 9);
  CommandResult wait = agent_.Cli({"wait", long_running});
  EXPECT_EQ(wait.exit_code, 5) << wait.err;

  // After a restart, a surviving container can still be exec'd into, stopped and removed.
  std::string survivor = RunDetached({}, {"sleep", "1000"});
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  if (Has("exec")) {
    CommandResult exec = agent_.Cli({"exec", survivor, "cat", "/proc/1/comm"});
    EXPECT_EQ(exec.out, "sleep\n") << exec.err;
  }
  CommandResult stop = agent_.Cli({"stop", "-t", "1", survivor});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(Inspect(survivor).exit_code(), 137);
  EXPECT_EQ(agent_.Cli({"rm", survivor}).exit_code, 0);
}

TEST_P(ConformanceTest, RlimitsReachThePayload) {
  CommandResult result =
      RunRm({"--ulimit", "nofile=100:200"}, {"sh", "-c", "ulimit -n; ulimit -Hn"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "100\n200\n");
  CommandResult unknown = RunRm({"--ulimit", "bogus=1"}, {"true"});
  EXPECT_EQ(unknown.exit_code, 125);
  EXPECT_NE(unknown.err.find("spec.rlimits"), std::string::npos) << unknown.err;
}

TEST_P(ConformanceTest, HardeningRefusesPrivilegedOperations) {
  ExpectPrivilegedOperationsRefused({});
}

TEST_P(ConformanceTest, CommandNotFoundExits127) {
  CommandResult result = RunRm({}, {"/no/such/binary"});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(result.err.find("/no/such/binary"), std::string::npos) << result.err;
}

TEST_P(ConformanceTest, PauseFreezesEveryProcessAndUnpauseResumes) {
  std::string id = RunDetached({}, {"sh", "-c", "while true; do echo tick; usleep 20000; done"});
  std::this_thread::sleep_for(milliseconds(200));
  if (!Has("pause")) {
    ExpectUnimplemented(Pause(id));
    return;
  }
  ASSERT_TRUE(Pause(id).ok());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_PAUSED);
  EXPECT_NE(agent_.Cli({"ps"}).out.find("(Paused)"), std::string::npos)
      << "a paused container is listed as up and paused";
  size_t frozen_size = LogSize(id);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(LogSize(id), frozen_size) << "a paused payload must not run";
  grpc::Status again = Pause(id);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();

  ASSERT_TRUE(Unpause(id).ok());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_GT(LogSize(id), frozen_size) << "an unpaused payload runs again";
  grpc::Status not_paused = Unpause(id);
  EXPECT_EQ(not_paused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Stop thaws a paused container, so its payload can act on the signals.
  ASSERT_TRUE(Pause(id).ok());
  CommandResult stop = agent_.Cli({"stop", "-t", "1", id});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_EXITED);
  grpc::Status exited = Pause(id);
  EXPECT_EQ(exited.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(ConformanceTest, StatsReportUsageAndLimits) {
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

TEST_P(ConformanceTest, UpdateChangesTheLimitsOfARunningContainer) {
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

// Collects the events of one Events stream on a thread of its own.
class EventRecorder {
 public:
  explicit EventRecorder(v1::Containers::Stub& stub) {
    reader_ = stub.Events(&context_, v1::EventsRequest());
    reader_->WaitForInitialMetadata();  // the subscription is in place
    thread_ = std::thread([this] {
      v1::ContainerEvent event;
      while (reader_->Read(&event)) {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.push_back(event);
      }
    });
  }
  ~EventRecorder() {
    context_.TryCancel();
    thread_.join();
  }
  // "created started ..." for `id`, waiting up to 5 s for `count` of them.
  std::string TypesOf(const std::string& id, size_t count) {
    std::string types;
    for (int i = 0; i < 500; ++i) {
      types.clear();
      size_t found = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& event : events_) {
          if (event.id() != id) continue;
          ++found;
          std::string name = v1::EventType_Name(event.type()).substr(strlen("EVENT_TYPE_"));
          if (event.type() == v1::EVENT_TYPE_EXITED)
            name += "(" + std::to_string(event.exit_code()) + ")";
          types += (types.empty() ? "" : " ") + name;
        }
      }
      if (found >= count) break;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return types;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::ContainerEvent>> reader_;
  std::mutex mutex_;
  std::vector<v1::ContainerEvent> events_;
  std::thread thread_;
};

TEST_P(ConformanceTest, EventsFollowTheLifecycle) {
  EventRecorder recorder(agent_.containers());
  std::string id = RunDetached({"--name", "evented"}, {"sleep", "1000"});
  std::string expected = "CREATED STARTED";
  if (Has("pause")) {
    ASSERT_TRUE(Pause(id).ok());
    ASSERT_TRUE(Unpause(id).ok());
    expected += " PAUSED UNPAUSED";
  }
  if (Has("limits")) {
    ASSERT_EQ(agent_.Cli({"update", "--pids-limit", "10", id}).exit_code, 0);
    expected += " UPDATED";
  }
  if (Has("exec")) {
    ASSERT_EQ(agent_.Cli({"exec", id, "true"}).exit_code, 0);
    expected += " EXEC_STARTED";
  }
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", id}).exit_code, 137);
  ASSERT_EQ(agent_.Cli({"rm", id}).exit_code, 0);
  expected += " EXITED(137) DELETED";
  EXPECT_EQ(recorder.TypesOf(id, std::count(expected.begin(), expected.end(), ' ') + 1), expected);

  if (Has("limits")) {
    std::string oom = RunDetached({"-m", "16m"}, {"sh", "-c", "tail /dev/zero"});
    agent_.Cli({"wait", oom});
    EXPECT_EQ(recorder.TypesOf(oom, 4), "CREATED STARTED OOM EXITED(137)");
  }
  CommandResult cli = agent_.Cli({"events", "nosuchcontainer"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("no container"), std::string::npos) << cli.err;
}

TEST_P(ConformanceTest, RestartPolicies) {
  // on-failure:2 restarts a failing payload twice, then leaves it exited.
  std::string failing =
      RunDetached({"--restart", "on-failure:2"}, {"sh", "-c", "echo run; exit 3"});
  v1::Container record;
  for (int i = 0; i < 300; ++i) {
    record = Inspect(failing);
    if (record.restart_count() == 2 && record.state() == v1::CONTAINER_STATE_EXITED) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(record.restart_count(), 2u);
  std::this_thread::sleep_for(milliseconds(500));
  record = Inspect(failing);
  EXPECT_EQ(record.restart_count(), 2u) << "no third restart";
  EXPECT_EQ(record.exit_code(), 3);
  EXPECT_EQ(agent_.Cli({"logs", failing}).out, "run\nrun\nrun\n");

  // on-failure leaves a clean exit alone; always restarts it until the user stops it.
  std::string clean = RunDetached({"--restart", "on-failure"}, {"true"});
  std::string always = RunDetached({"--restart", "always"}, {"sh", "-c", "usleep 50000"});
  // Two restarts take 0.6 s on chroot; a libvirt domain's start costs more (~0.2 s each).
  for (int i = 0; i < 300 && Inspect(always).restart_count() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(Inspect(clean).restart_count(), 0u);
  EXPECT_GE(Inspect(always).restart_count(), 2u);
  ASSERT_EQ(agent_.Cli({"stop", always}).exit_code, 0);
  uint32_t stopped_at = Inspect(always).restart_count();
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(Inspect(always).restart_count(), stopped_at) << "a stopped container stays stopped";
  EXPECT_EQ(Inspect(always).state(), v1::CONTAINER_STATE_EXITED);

  // Bad policies name the field.
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.mutable_restart_policy()->set_mode(v1::RestartPolicy::MODE_ALWAYS);
  spec.mutable_restart_policy()->set_max_retries(3);
  grpc::Status status = Create(spec);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.restart_policy.max_retries"), std::string::npos)
      << status.error_message();
  CommandResult cli = agent_.Cli({"run", "--restart", "sometimes", "busybox", "true"});
  EXPECT_EQ(cli.exit_code, 125);
  EXPECT_NE(cli.err.find("on-failure"), std::string::npos) << cli.err;
}

TEST_P(ConformanceTest, PausedContainersSurviveKillNineOfTheAgent) {
  if (!Has("pause") || !Has("survives-agent-restart")) GTEST_SKIP() << "needs pause + survival";
  std::string id = RunDetached({}, {"sh", "-c", "while true; do echo tick; usleep 20000; done"});
  ASSERT_TRUE(Pause(id).ok());
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_PAUSED);
  size_t frozen_size = LogSize(id);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(LogSize(id), frozen_size);
  ASSERT_TRUE(Unpause(id).ok());
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_GT(LogSize(id), frozen_size);
  v1::ContainerStats stats;
  EXPECT_TRUE(Stats(id, &stats).ok());
  CommandResult removed = agent_.Cli({"rm", "-f", id});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
}

TEST_P(ConformanceTest, ExecRunsCommandsInsideARunningContainer) {
  std::string id = RunDetached({"--name", "host-of-exec", "-e", "FROM_RUN=yes", "-w", "/srv"},
                               {"sleep", "1000"});
  if (!Has("exec")) {
    CommandResult refused = agent_.Cli({"exec", id, "true"});
    EXPECT_NE(refused.err.find(GetParam()), std::string::npos) << refused.err;
    return;
  }
  CommandResult result = agent_.Cli(
      {"exec", "host-of-exec", "sh", "-c", "echo out $FROM_RUN; pwd; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out yes\n/srv\n") << "the container's env and working dir";
  EXPECT_EQ(result.err, "err\n");
  CommandResult inside =
      agent_.Cli({"exec", "-u", "nobody", "-w", "/tmp", "-e", "X=1", id, "sh", "-c",
                  "id -u; pwd; echo $X; tr '\\0' ' ' </proc/1/cmdline; hostname"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(inside.out, "65534\n/tmp\n1\nsleep 1000 " + id.substr(0, 12) + "\n");
  CommandResult hardened =
      agent_.Cli({"exec", id, "grep", "-E", "^(CapBnd|NoNewPrivs):", "/proc/self/status"});
  EXPECT_EQ(hardened.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t1\n");
  EXPECT_EQ(agent_.Cli({"exec", id, "/no/such/binary"}).exit_code, 127);

  // Stdin and a terminal, through the gRPC stream.
  TtyExecResult tty = ExecWithTty(id, {"sh", "-c", "tty; stty size; read line; echo got $line"},
                                  "typed\n", 33, 101);
  EXPECT_EQ(tty.exit_code, 0);
  EXPECT_NE(tty.output.find("/dev/pts/"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("33 101"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("got typed"), std::string::npos) << tty.output;

  if (Has("pause")) {
    ASSERT_TRUE(Pause(id).ok());
    CommandResult paused = agent_.Cli({"exec", id, "true"});
    EXPECT_NE(paused.err.find("paused"), std::string::npos) << paused.err;
    ASSERT_TRUE(Unpause(id).ok());
  }
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  agent_.Cli({"wait", id});
  CommandResult exited = agent_.Cli({"exec", id, "true"});
  EXPECT_NE(exited.err.find("not running"), std::string::npos) << exited.err;
  CommandResult unknown = agent_.Cli({"exec", "nosuchcontainer", "true"});
  EXPECT_NE(unknown.err.find("no container"), std::string::npos) << unknown.err;
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
