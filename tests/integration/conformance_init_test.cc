// Conformance, --init on every backend (conformance_test.cc says how the suite works): the
// agent's tini runs as PID 1 at /sbin/docker-init, reaps orphaned processes, forwards the stop
// signal to the command and exits with its code; exec and health checks are unchanged.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "conformance_fixture.h"
#include "health_check_wait.h"

namespace boxcar::testing {
namespace {

class ConformanceInitTest : public ConformanceTest {
 protected:
  // Zombies in container `id` after its orphan (see kLeavesAnOrphan) has ended: polled for up to
  // 3 s, so that a reaper has had time.
  int ZombiesAfterTheOrphanEnded(const std::string& id, bool expect_some) {
    int zombies = -1;
    for (int attempt = 0; attempt < 30; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      CommandResult listed =
          agent_.Cli({"exec", id, "sh", "-c", "grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l"});
      if (listed.exit_code != 0) continue;
      zombies = std::stoi(listed.out);
      if ((zombies > 0) == expect_some && attempt >= 5) break;
    }
    return zombies;
  }

  // `diff` of the --init container `id`, which wrote /made, is "A /made" and nothing else,
  // running and stopped; then it is committed as `image`.
  void ExpectOnlyMadeInDiffThenCommit(const std::string& id, const std::string& image) {
    CommandResult running = agent_.Cli({"diff", id});
    ASSERT_EQ(running.exit_code, 0) << running.err;
    EXPECT_EQ(running.out, "A /made\n");
    ASSERT_EQ(agent_.Cli({"stop", "-t", "1", id}).exit_code, 0);
    EXPECT_EQ(agent_.Cli({"diff", id}).out, "A /made\n");
    CommandResult committed = agent_.Cli({"commit", id, image});
    ASSERT_EQ(committed.exit_code, 0) << committed.err;
  }

  // A payload that leaves a child behind (its subshell exits at once), which ends 0.1 s later;
  // PID 1 then sleeps and never waits for anyone.
  const std::vector<std::string> kLeavesAnOrphan = {"sh", "-c", "(sleep 0.1 &); exec sleep 1000"};
};

TEST_P(ConformanceInitTest, OrphansAreReapedWithInitOnly) {
  std::string with_init = RunDetached({"--init"}, kLeavesAnOrphan);
  EXPECT_EQ(ZombiesAfterTheOrphanEnded(with_init, false), 0) << "tini reaps the orphan";
  std::string without = RunDetached({}, kLeavesAnOrphan);
  EXPECT_EQ(ZombiesAfterTheOrphanEnded(without, true), 1)
      << "without --init the ended orphan stays a zombie of the payload";
  // The payload runs as tini's child, behind "--".
  CommandResult init = agent_.Cli({"exec", with_init, "cat", "/proc/1/cmdline"});
  EXPECT_EQ(init.out, std::string("/sbin/docker-init\0--\0sh\0-c\0", 27) +
                          "(sleep 0.1 &); exec sleep 1000" + std::string(1, '\0'));
  // Bound read-only, and nothing else of the host's directory is reachable.
  EXPECT_NE(agent_.Cli({"exec", with_init, "sh", "-c", "echo x >> /sbin/docker-init"}).exit_code,
            0);
  EXPECT_NE(agent_.Cli({"exec", with_init, "ls", "/dev/.boxcar"}).exit_code, 0);
  EXPECT_TRUE(Inspect(with_init).spec().init());
  EXPECT_FALSE(Inspect(without).spec().init());
  CommandResult inspected = agent_.Cli({"inspect", "--format", "{{.spec.init}}", with_init});
  EXPECT_EQ(inspected.out, "true\n") << inspected.err;
}

// The init's mount point lies in a layer of the agent's below the container's writable one
// (container_init_process.h): `diff` shows no /sbin/docker-init (nor /sbin), running or
// stopped, and an image committed from the container has none.
TEST_P(ConformanceInitTest, TheInitLeavesNoTraceInDiffOrCommit) {
  ASSERT_NE(RunRm({}, {"sh", "-c", "test -e /sbin/docker-init || echo absent"}).out.find("absent"),
            std::string::npos)
      << "the image has no /sbin/docker-init of its own";
  std::string id = RunDetached({"--init"}, {"sh", "-c", "echo x > /made; sleep 600"});
  EXPECT_EQ(agent_.Cli({"exec", id, "sh", "-c", "test -f /sbin/docker-init && echo bound"}).out,
            "bound\n");
  ASSERT_NO_FATAL_FAILURE(ExpectOnlyMadeInDiffThenCommit(id, "initless:1"));
  CommandResult child =
      agent_.Cli({"run", "--rm", "--init=false", "initless:1", "sh", "-c",
                  "cat /made; test -e /sbin/docker-init && echo present || echo absent"});
  EXPECT_EQ(child.out, "x\nabsent\n") << child.err;
  // Started again, it still runs its init.
  ASSERT_EQ(agent_.Cli({"start", id}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"exec", id, "cat", "/proc/1/cmdline"}).out.substr(0, 17),
            "/sbin/docker-init");
  agent_.Cli({"rm", "-f", id});
  agent_.Cli({"rmi", "initless:1"});
}

// The same over a usr-merged image (/sbin -> usr/sbin, made here from the busybox rootfs):
// the mount point lies in a layer of the agent's at usr/sbin, where the image's link leads,
// so diff and commit show nothing of it either, and /sbin stays the image's link.
TEST_P(ConformanceInitTest, TheInitLeavesNoTraceOverASymlinkedSbin) {
  const std::string rootfs = agent_.work_dir() + "/usrmerged";
  const std::string tarball = agent_.work_dir() + "/usrmerged.tar";
  const std::string make = "mkdir -p " + rootfs + " && tar -C " + rootfs + " -xf " +
                           BOXCAR_BUSYBOX_TAR + " && rm -rf " + rootfs + "/sbin && mkdir -p " +
                           rootfs + "/usr/sbin && ln -s usr/sbin " + rootfs + "/sbin && tar -C " +
                           rootfs + " -cf " + tarball + " .";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  CommandResult imported = agent_.Cli({"image", "import", "-q", tarball, "usrmerged:1"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult started =
      agent_.Cli({"run", "-d", "--init", "usrmerged:1", "sh", "-c", "echo x > /made; sleep 600"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, started.out.find('\n'));
  EXPECT_EQ(agent_
                .Cli({"exec", id, "sh", "-c",
                      "test -f /usr/sbin/docker-init && test -L /sbin && readlink /sbin"})
                .out,
            "usr/sbin\n");
  EXPECT_EQ(agent_.Cli({"exec", id, "cat", "/proc/1/cmdline"}).out.substr(0, 17),
            "/sbin/docker-init");
  ASSERT_NO_FATAL_FAILURE(ExpectOnlyMadeInDiffThenCommit(id, "usrmerged:2"));
  CommandResult child = agent_.Cli(
      {"run", "--rm", "--init=false", "usrmerged:2", "sh", "-c",
       "cat /made; readlink /sbin; test -e /usr/sbin/docker-init && echo present || echo absent"});
  EXPECT_EQ(child.out, "x\nusr/sbin\nabsent\n") << child.err;
  agent_.Cli({"rm", "-f", id});
  agent_.Cli({"rmi", "usrmerged:2"});
  agent_.Cli({"rmi", "usrmerged:1"});
}

TEST_P(ConformanceInitTest, StopSignalReachesAShellThatIgnoresItAsPidOne) {
  std::string id = RunDetached({"--init"}, {"sh", "-c", "sleep 1000"});
  auto started = std::chrono::steady_clock::now();
  CommandResult stopped = agent_.Cli({"stop", "-t", "20", id});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8))
      << "SIGTERM ended the payload, not the SIGKILL 20 s later";
  EXPECT_EQ(Inspect(id).exit_code(), 143);
}

TEST_P(ConformanceInitTest, ExitCodesPassThrough) {
  EXPECT_EQ(RunRm({"--init"}, {"sh", "-c", "exit 3"}).exit_code, 3);
  EXPECT_EQ(RunRm({"--init"}, {"sh", "-c", "kill -9 $$"}).exit_code, 137);
  CommandResult output = RunRm({"--init"}, {"echo", "hello"});
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_EQ(output.out, "hello\n");
}

TEST_P(ConformanceInitTest, ExecAndHealthChecksStillWork) {
  std::string id =
      RunDetached({"--init", "--health-cmd", "test -e /proc/1", "--health-interval", "200ms"},
                  {"sleep", "1000"});
  v1::Container healthy = WaitForHealth([&] { return Inspect(id); }, v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(healthy.health().status(), v1::HEALTH_STATUS_HEALTHY) << healthy.DebugString();
  CommandResult exec = agent_.Cli({"exec", id, "sh", "-c", "echo in; exit 4"});
  EXPECT_EQ(exec.exit_code, 4);
  EXPECT_EQ(exec.out, "in\n");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceInitTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

// The agent's own settings: --init as its default, --init-path naming a missing binary.
class InitAgentSettingsTest : public ::testing::Test, public AgentFixture {
 protected:
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }
};

TEST_F(InitAgentSettingsTest, AgentDefaultAppliesUnlessTheRunSaysOtherwise) {
  StartBackendAgent("chroot", {"--init"});
  CommandResult by_default = RunRm({}, {"cat", "/proc/1/cmdline"});
  EXPECT_EQ(by_default.out.rfind("/sbin/docker-init", 0), 0u) << by_default.out;
  CommandResult turned_off = RunRm({"--init=false"}, {"cat", "/proc/1/cmdline"});
  EXPECT_EQ(turned_off.out, std::string("cat\0/proc/1/cmdline\0", 20)) << turned_off.err;
}

TEST_F(InitAgentSettingsTest, MissingInitBinaryNamesWhatToInstall) {
  StartBackendAgent("chroot", {"--init-path", "/nonexistent/tini-static"});
  CommandResult refused = agent_.Cli({"create", "--init", "busybox", "true"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("spec.init"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("/nonexistent/tini-static"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("tini"), std::string::npos) << refused.err;
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << "nothing was created";
  EXPECT_EQ(RunRm({}, {"true"}).exit_code, 0) << "containers without --init are unaffected";
}

}  // namespace
}  // namespace boxcar::testing
