// The conformance suite: what every backend must do, run against each of them (TEST_P over
// backend names) through a real boxcard, its CLI and gRPC, as root, with real namespaces,
// cgroups and overlayfs. A backend skips a test only when its capability flags (boxcar info)
// say it lacks the feature, and then the call must fail with UNIMPLEMENTED naming it.
// This file: the payload and its isolation, rlimits, hardening, exec. Life cycle and limits:
// conformance_lifecycle_test.cc and conformance_limits_test.cc.
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
    // The rootfs, /proc, /sys, /dev and what masks or narrows them (/proc/sys read-only, ...),
    // and the agent's generated /etc files (from the container's state directory).
    bool expected = field == "/" || field == "/proc" || field == "/sys" || field == "/dev" ||
                    field.rfind("/dev/", 0) == 0 || field.rfind("/proc/", 0) == 0 ||
                    field.rfind("/sys/", 0) == 0 || field == "/etc/hosts" ||
                    field == "/etc/resolv.conf" || field == "/etc/hostname";
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
  EXPECT_EQ(hardened.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t0\n");
  EXPECT_EQ(agent_.Cli({"exec", id, "/no/such/binary"}).exit_code, 127);

  // Stdin and a terminal, through the gRPC stream.
  TtyExecResult tty = ExecWithTty(id, {"sh", "-c", "tty; stty size; read line; echo got $line"},
                                  "typed\n", 33, 101);
  EXPECT_EQ(tty.exit_code, 0);
  EXPECT_NE(tty.output.find("/dev/pts/"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("33 101"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("got typed"), std::string::npos) << tty.output;
  {
    // 65537 rows would have wrapped to a 1-row terminal: refused, naming the field.
    grpc::ClientContext context;
    auto stream = agent_.containers().Exec(&context);
    v1::ExecRequest start;
    start.mutable_start()->set_container(id);
    start.mutable_start()->mutable_spec()->set_tty(true);
    start.mutable_start()->mutable_spec()->mutable_terminal_size()->set_rows(65537);
    start.mutable_start()->mutable_spec()->add_command("true");
    ASSERT_TRUE(stream->Write(start));
    stream->WritesDone();
    v1::ExecResponse response;
    while (stream->Read(&response)) {
    }
    grpc::Status refused = stream->Finish();
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(refused.error_message().find("start.spec.terminal_size"), std::string::npos)
        << refused.error_message();
  }

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
