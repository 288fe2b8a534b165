// End-to-end behaviour of the lxc backend: boxcard with --default-backend lxc, boxcar-lxc-shim
// and liblxc, as root, with real namespaces, cgroups and overlayfs. Besides the harness's leak
// checks, every test checks that LXC left nothing of its own: no lxc.* cgroup in any hierarchy,
// no lxc shim or monitor process, nothing new in /run/lxc.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

// Every directory below `dir` whose name starts with "lxc." (LXC's monitor, payload and pivot
// cgroups), one per line.
std::string LxcCgroupsBelow(const std::string& dir) {
  std::string found;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return found;
  while (dirent* entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    if (entry->d_type != DT_DIR || name == "." || name == "..") continue;
    if (name.rfind("lxc.", 0) == 0) found += dir + "/" + name + "\n";
    found += LxcCgroupsBelow(dir + "/" + name);
  }
  ::closedir(listing);
  return found;
}

std::string LxcCgroupsAnywhere() {
  std::string found;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream before(line.substr(0, dash)), after(line.substr(dash + 3));
    std::string field, type;
    for (int i = 0; i < 5; ++i) before >> field;
    after >> type;
    if (type == "cgroup" || type == "cgroup2") found += LxcCgroupsBelow(field);
  }
  return found;
}

// Everything below /run/lxc, sorted; "" when it does not exist.
std::string RunLxcListing(const std::string& dir = "/run/lxc") {
  std::string listing;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return listing;
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  for (const auto& name : names)
    listing += dir + "/" + name + "\n" + RunLxcListing(dir + "/" + name);
  return listing;
}

std::string LxcShimProcesses() {
  std::string found;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    char exe[4096];
    ssize_t n = ::readlink(("/proc/" + pid + "/exe").c_str(), exe, sizeof exe - 1);
    if (n > 0 && std::string(exe, static_cast<size_t>(n)) == BOXCAR_LXC_SHIM_PATH)
      found += "boxcar-lxc-shim or LXC monitor, pid " + pid + "\n";
  }
  ::closedir(proc);
  return found;
}

class LxcBackendTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    run_lxc_before_ = RunLxcListing();
    StartAgentWithBusybox({"--default-backend", "lxc"});
  }

  void TearDown() override {
    StopAgentAndCheckLeftovers();
    EXPECT_EQ(LxcShimProcesses(), "");
    EXPECT_EQ(LxcCgroupsAnywhere(), "");
    EXPECT_EQ(RunLxcListing(), run_lxc_before_);
  }

  std::string run_lxc_before_;
};

TEST_F(LxcBackendTest, InfoListsTheBackendAsAvailable) {
  CommandResult info = agent_.Cli({"info"});
  EXPECT_NE(info.out.find("lxc (default): available; capabilities: limits, survives-agent-restart"),
            std::string::npos)
      << info.out;
}

TEST_F(LxcBackendTest, RunPrintsOutputAndReturnsTheExitCode) {
  CommandResult hello = RunRm({}, {"echo", "hello", "from", "lxc"});
  EXPECT_EQ(hello.exit_code, 0) << hello.err;
  EXPECT_EQ(hello.out, "hello from lxc\n");
  CommandResult failing = RunRm({}, {"sh", "-c", "echo to-stderr >&2; exit 7"});
  EXPECT_EQ(failing.exit_code, 7);
  EXPECT_EQ(failing.err, "to-stderr\n");
  EXPECT_EQ(agent_.Cli({"ps", "-a", "--json"}).out, "[]\n") << "--rm containers must be gone";
}

TEST_F(LxcBackendTest, EnvWorkingDirAndUserReachThePayload) {
  CommandResult result = RunRm({"-e", "GREETING=hi there", "-w", "/work/dir", "-u", "nobody"},
                               {"sh", "-c", "echo \"$GREETING\"; pwd; id -u; id -g; echo $HOME"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "hi there\n/work/dir\n65534\n65534\n/nonexistent\n");
  EXPECT_EQ(RunRm({"-u", "1234:4321"}, {"sh", "-c", "id -u; id -g"}).out, "1234\n4321\n");
  CommandResult unknown = RunRm({"-u", "nosuchuser"}, {"true"});
  EXPECT_EQ(unknown.exit_code, 125);
  EXPECT_NE(unknown.err.find("nosuchuser"), std::string::npos) << unknown.err;
}

TEST_F(LxcBackendTest, PayloadIsPidOneWithItsOwnHostnameAndOnlyLoopback) {
  CommandResult result =
      RunRm({"--hostname", "boxy"}, {"sh", "-c",
                                     "echo $$; hostname; ls /sys/class/net | tr '\\n' ' '; "
                                     "ping -c1 -W1 127.0.0.1 >/dev/null && echo ping-ok"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "1\nboxy\nlo ping-ok\n");
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  EXPECT_NE(std::string(host_hostname), "boxy");
}

TEST_F(LxcBackendTest, RootfsDevAndMountsAreTheContainersOwn) {
  CommandResult devices = RunRm({}, {"sh", "-c", "ls /dev | sort | tr '\\n' ' '"});
  EXPECT_EQ(devices.out, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ");
  CommandResult mounts = RunRm({}, {"cat", "/proc/self/mountinfo"});
  std::istringstream lines(mounts.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    bool expected = field == "/" || field.rfind("/proc", 0) == 0 || field.rfind("/sys", 0) == 0 ||
                    field.rfind("/dev", 0) == 0;
    EXPECT_TRUE(expected) << "unexpected mount point inside: " << line;
  }
  CommandResult written = RunRm({}, {"sh", "-c", "echo data > /file && cat /file"});
  EXPECT_EQ(written.out, "data\n") << written.err;
}

TEST_F(LxcBackendTest, PayloadAndMonitorLiveInTheAgentsCgroups) {
  std::string id = RunDetached({"--pids-limit", "5"}, {"sleep", "30"});
  pid_t payload = Inspect(id).pid();
  auto cgroups = ReadFileToString("/proc/" + std::to_string(payload) + "/cgroup");
  ASSERT_TRUE(cgroups.ok());
  std::string expected = "/" + agent_.cgroup_parent() + "/" + id + "\n";
  EXPECT_NE(cgroups->find(":memory:" + expected), std::string::npos) << *cgroups;
  EXPECT_NE(cgroups->find(":pids:" + expected), std::string::npos) << *cgroups;
  // LXC's monitor is the payload's parent, inside too; pids.max makes room for it.
  auto procs = ReadFileToString(agent_.CgroupFile(id, "pids", "cgroup.procs", "cgroup.procs"));
  ASSERT_TRUE(procs.ok());
  EXPECT_EQ(std::count(procs->begin(), procs->end(), '\n'), 2) << *procs;
  auto pids_max = ReadFileToString(agent_.CgroupFile(id, "pids", "pids.max", "pids.max"));
  EXPECT_EQ(pids_max.ok() ? *pids_max : "", "6\n");
  EXPECT_EQ(LxcCgroupsAnywhere(), "") << "LXC must not make cgroups of its own";
}

TEST_F(LxcBackendTest, MemoryLimitOomKillsThePayload) {
  std::string id = RunDetached({"-m", "16m"}, {"sh", "-c", "sleep 0.5; tail /dev/zero"});
  auto limit =
      ReadFileToString(agent_.CgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max"));
  EXPECT_EQ(limit.ok() ? *limit : "", "16777216\n");
  CommandResult wait = agent_.Cli({"wait", id});
  EXPECT_EQ(wait.out, "137\n");
  EXPECT_TRUE(Inspect(id).oom_killed());
}

TEST_F(LxcBackendTest, PidsLimitIsThePayloadsOwn) {
  CommandResult within =
      RunRm({"--pids-limit", "5"}, {"sh", "-c", "for i in 1 2 3 4; do sleep 0.2 & done; wait"});
  EXPECT_EQ(within.exit_code, 0) << "sh and 4 children fit in 5: " << within.err;
  CommandResult beyond = RunRm({"--pids-limit", "5"},
                               {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"});
  EXPECT_NE(beyond.err.find("can't fork"), std::string::npos) << beyond.err;
}

TEST_F(LxcBackendTest, StopSendsTermThenKill) {
  std::string stubborn = RunDetached({}, {"sleep", "100"});
  auto begin = std::chrono::steady_clock::now();
  CommandResult stop = agent_.Cli({"stop", "-t", "1", stubborn});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(900));
  v1::Container killed = Inspect(stubborn);
  EXPECT_EQ(killed.exit_code(), 137);
  EXPECT_EQ(killed.exit_signal(), SIGKILL);

  std::string polite =
      RunDetached({}, {"sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(agent_.Cli({"kill", "-s", "TERM", polite}).exit_code, 0);
  CommandResult wait = agent_.Cli({"wait", polite});
  EXPECT_EQ(wait.out, "42\n");
}

TEST_F(LxcBackendTest, ContainersSurviveKillNineOfTheAgent) {
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
  EXPECT_EQ(Inspect(short_lived).exit_code(), 9);
  EXPECT_EQ(agent_.Cli({"wait", long_running}).exit_code, 5);
  EXPECT_EQ(agent_.Cli({"rm", long_running, short_lived}).exit_code, 0);
}

TEST_F(LxcBackendTest, HardeningRefusesPrivilegedOperations) {
  CommandResult status =
      RunRm({}, {"grep", "-E", "^(CapBnd|NoNewPrivs|Seccomp):", "/proc/self/status"});
  EXPECT_EQ(status.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t1\nSeccomp:\t2\n") << status.err;
  const std::pair<std::string, std::string> refused[] = {
      {"mount -t tmpfs none /mnt", "denied"},
      {"insmod /bin/busybox", "Operation not permitted"},
      {"echo boxcar > /proc/sys/kernel/domainname", "Read-only file system"},
      {"echo 1 > /proc/sys/net/ipv4/ip_forward", "Read-only file system"},
      {"mknod /tmp/sda b 8 0", "Operation not permitted"},
      {"hostname evil", "Operation not permitted"},
      {"unshare -U true", "Operation not permitted"},
      {"echo 1 > /sys/kernel/boxcar", "Read-only file system"},
      {"echo 1 > /proc/irq/default_smp_affinity", "Read-only file system"},
  };
  for (const auto& [script, error] : refused) {
    CommandResult result = RunRm({}, {"sh", "-c", script});
    EXPECT_NE(result.exit_code, 0) << script << " must be refused";
    EXPECT_NE(result.err.find(error), std::string::npos) << script << ": " << result.err;
  }
  EXPECT_EQ(RunRm({}, {"sh", "-c", "wc -c < /proc/keys"}).out, "0\n") << "/proc/keys is masked";
  CommandResult ordinary =
      RunRm({}, {"sh", "-c", "chown 1:1 /tmp && ping -c1 -W1 127.0.0.1 >/dev/null && echo ok"});
  EXPECT_EQ(ordinary.out, "ok\n") << "the kept capabilities still work: " << ordinary.err;
}

TEST_F(LxcBackendTest, CommandsThatCannotRunExit127Or126) {
  CommandResult missing = RunRm({}, {"/no/such/binary"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("/no/such/binary"), std::string::npos) << missing.err;
  CommandResult not_executable = RunRm({}, {"/etc/passwd"});
  EXPECT_EQ(not_executable.exit_code, 126);
  EXPECT_NE(not_executable.err.find("Permission denied"), std::string::npos) << not_executable.err;
}

TEST_F(LxcBackendTest, RlimitsReachThePayload) {
  CommandResult result =
      RunRm({"--ulimit", "nofile=100:200"}, {"sh", "-c", "ulimit -n; ulimit -Hn"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "100\n200\n");
}

TEST_F(LxcBackendTest, ExitedContainerCanBeStartedAgain) {
  CommandResult created = agent_.Cli(
      {"create", "--name", "again", "busybox", "sh", "-c", "echo run >> /count; wc -l < /count"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(agent_.Cli({"start", "again"}).exit_code, 0);
    EXPECT_EQ(agent_.Cli({"wait", "again"}).exit_code, 0);
  }
  EXPECT_EQ(agent_.Cli({"logs", "again"}).out, "1\n2\n");
}

}  // namespace
}  // namespace boxcar::testing
