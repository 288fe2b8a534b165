// What only the libvirt backend has (its domains, its connection to libvirtd); what every
// backend must do runs against libvirt in conformance*_test.cc. The tests use the process's
// private libvirtd (libvirtd_harness.h) and check that no boxcar-* domain is left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "libvirtd_harness.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;

std::string Output(const std::string& command) {
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    ::pclose(pipe);
  }
  return output;
}

class LibvirtBackendTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent("libvirt"); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  // A container keeps running and answering exec while libvirtd is gone (SIGTERM or
  // SIGKILL); starts fail naming the backend, and work again once it is back.
  void ExpectToSurviveLibvirtdGoingAway(bool kill9);

  std::string Virsh(const std::string& args) {
    return Output("virsh -q -c '" + LibvirtdHarness::Shared().uri() + "' " + args + " 2>&1");
  }
};

TEST_F(LibvirtBackendTest, InfoListsTheBackendAsAvailable) {
  CommandResult info = agent_.Cli({"info"});
  EXPECT_NE(info.out.find(" libvirt (default): available; capabilities: limits, pause, exec, networking, "
                          "survives-agent-restart, terminal"),
            std::string::npos)
      << info.out;
}

TEST_F(LibvirtBackendTest, ARunningContainerIsATransientDomainWithItsIdInTheMetadata) {
  std::string id = RunDetached({"-m", "32m", "--cpus", "0.5"}, {"sleep", "30"});
  const std::string domain = "boxcar-" + id.substr(0, 12);
  EXPECT_EQ(Virsh("list --name"), domain + "\n");
  std::string xml = Virsh("dumpxml " + domain);
  EXPECT_NE(xml.find("id=\"" + id + "\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<privnet/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<quota>50000</quota>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<memory unit='KiB'>32768</memory>"), std::string::npos) << xml;
  // -m alone: Docker's memory+swap of twice the memory, mirrored (where swap is accounted).
  if (::access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0) {
    EXPECT_NE(xml.find("<swap_hard_limit unit='KiB'>65536</swap_hard_limit>"), std::string::npos)
        << xml;
  }
  EXPECT_EQ(Virsh("list --persistent --all --name"), "") << "transient: never defined";
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  CommandResult wait = agent_.Cli({"wait", id});
  EXPECT_EQ(wait.out, "137\n");
  // The domain ends with its init (the shim).
  std::string left = "x";
  for (int i = 0; i < 200 && !left.empty(); ++i) {
    left = LibvirtdHarness::Shared().BoxcarDomains();
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(left, "");
}

// libvirt's default error handler prints every failed call to stderr: the probe for a free
// domain name at each create ("LXC Driver error : Domain not found"), each reconnect attempt
// while libvirtd is away ("XML-RPC error : Failed to connect socket"). They go to the agent's
// log at debug level instead.
TEST_F(LibvirtBackendTest, LibvirtErrorsAreNotPrintedToStderr) {
  CommandResult run = RunRm({}, {"true"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find("LXC Driver error"), std::string::npos) << *log;
}

TEST_F(LibvirtBackendTest, TheExitCodeIsThePayloadsOwn) {
  for (int code : {0, 3, 42}) {
    CommandResult result = RunRm({}, {"sh", "-c", "exit " + std::to_string(code)});
    EXPECT_EQ(result.exit_code, code) << result.err;
  }
}

// libvirtd goes away while a container runs: the container keeps running (its controller
// outlives libvirtd), new starts fail naming the backend, and work again once libvirtd is
// back (the agent reconnects).
TEST_F(LibvirtBackendTest, SurvivesARestartOfLibvirtd) {
  ExpectToSurviveLibvirtdGoingAway(/*kill9=*/false);
}

TEST_F(LibvirtBackendTest, SurvivesAKillNineOfLibvirtd) {
  ExpectToSurviveLibvirtdGoingAway(/*kill9=*/true);
}

void LibvirtBackendTest::ExpectToSurviveLibvirtdGoingAway(bool kill9) {
  std::string id = RunDetached({}, {"sleep", "30"});
  LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
  libvirtd.Stop(kill9);
  CommandResult refused = RunRm({}, {"true"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("libvirt"), std::string::npos) << refused.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  CommandResult exec_meanwhile = agent_.Cli({"exec", id, "echo", "meanwhile"});
  EXPECT_EQ(exec_meanwhile.out, "meanwhile\n") << "exec needs no libvirtd: " << exec_meanwhile.err;
  libvirtd.Start();
  ASSERT_TRUE(libvirtd.running());
  CommandResult again = RunRm({}, {"echo", "back"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "back\n");
  CommandResult exec = agent_.Cli({"exec", id, "echo", "still"});
  EXPECT_EQ(exec.out, "still\n") << exec.err;
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"wait", id}).out, "137\n");
}

// The agent hears of a domain's end from libvirt's lifecycle events, also after libvirtd was
// restarted while containers ran: its connection is opened again and the events registered
// again without any call on the backend meanwhile, and a container that ended while libvirtd
// was away is found ended. The exit codes stay the payloads' own.
TEST_F(LibvirtBackendTest, DomainEventsFlowAgainAfterARestartOfLibvirtd) {
  std::string killed = RunDetached({}, {"sleep", "30"});
  std::string ends_meanwhile = RunDetached({}, {"sleep", "30"});
  LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
  libvirtd.Stop();
  // Ends while libvirtd is away: its STOPPED event is never sent to the agent.
  ASSERT_EQ(::kill(Inspect(ends_meanwhile).pid(), SIGKILL), 0);
  EXPECT_EQ(agent_.Cli({"wait", ends_meanwhile}).out, "137\n");
  libvirtd.Start();
  ASSERT_TRUE(libvirtd.running());
  const std::string log_path = agent_.work_dir() + "/agent.log";
  // A line "libvirt: domain boxcar-<short id> <what>" in the agent's log, within 10 s.
  auto log_mentions = [&](const std::string& id, const std::string& what) {
    const std::string line = "libvirt: domain boxcar-" + id.substr(0, 12) + " " + what;
    for (int i = 0; i < 200; ++i) {
      auto log = ReadFileToString(log_path);
      if (log.ok() && log->find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  };
  // No call on the backend in between: the reconnect thread opened the connection again.
  ASSERT_EQ(agent_.Cli({"kill", killed}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"wait", killed}).out, "137\n");
  EXPECT_TRUE(log_mentions(killed, "of container " + killed.substr(0, 12) + " stopped"))
      << "no STOPPED event after the restart";
  EXPECT_EQ(Inspect(ends_meanwhile).exit_code(), 137);
  // The restarted libvirtd keeps that domain (shut off, as if defined): the agent undefines
  // it a while after its init ended.
  std::string left = "x";
  for (int i = 0; i < 300 && !left.empty(); ++i) {
    left = libvirtd.BoxcarDomains();
    if (!left.empty()) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(left, "") << Output("grep -i libvirt " + log_path);
  EXPECT_TRUE(log_mentions(ends_meanwhile, "was kept shut off by libvirtd after its init ended") ||
              log_mentions(ends_meanwhile, "still runs 5 s after its init ended"));
}

// libvirt 9.0 leaves /run/libvirt/lxc/<name>.{sock,dev,devpts,fuse} for every domain: the agent
// removes them once the domain ended, after a failed start, and at rm for domains that ended
// while the agent was away (kill -9).
TEST_F(LibvirtBackendTest, NothingOfADomainIsLeftUnderRunLibvirt) {
  auto domain_of = [](const std::string& id) { return "boxcar-" + id.substr(0, 12); };
  CommandResult run = agent_.Cli({"run", "--name", "once", "busybox", "true"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string once = Inspect("once").id();
  EXPECT_EQ(LibvirtdHarness::RunStateLeftAfter(domain_of(once), std::chrono::seconds(5)), "")
      << "after the domain's end";
  ASSERT_EQ(agent_.Cli({"rm", "once"}).exit_code, 0);
  EXPECT_EQ(LibvirtdHarness::RunStateOf(domain_of(once)), "") << "after rm";

  CommandResult failed = agent_.Cli({"run", "--name", "failed", "busybox", "/nonexistent"});
  EXPECT_EQ(failed.exit_code, 127) << failed.err;
  std::string failed_id = Inspect("failed").id();
  EXPECT_EQ(LibvirtdHarness::RunStateLeftAfter(domain_of(failed_id), std::chrono::seconds(5)),
            "")
      << "after a failed start";
  ASSERT_EQ(agent_.Cli({"rm", "failed"}).exit_code, 0);

  std::string orphan = RunDetached({}, {"sleep", "30"});
  const pid_t orphan_pid = Inspect(orphan).pid();
  agent_.Stop(/*kill9=*/true);
  ASSERT_EQ(::kill(orphan_pid, SIGKILL), 0);
  // The domain ends while no agent listens for its event.
  std::string left = "x";
  for (int i = 0; i < 200 && !left.empty(); ++i) {
    left = LibvirtdHarness::Shared().BoxcarDomains();
    if (!left.empty()) std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(left, "");
  EXPECT_NE(LibvirtdHarness::RunStateOf(domain_of(orphan)), "")
      << "libvirt 9.0 leaves files (else this test shows nothing)";
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(orphan).exit_code(), 137) << "the shim recorded the payload's end";
  ASSERT_EQ(agent_.Cli({"rm", orphan}).exit_code, 0);
  EXPECT_EQ(LibvirtdHarness::RunStateOf(domain_of(orphan)), "") << "after kill -9 and rm";
}

// libvirt's LXC driver makes `.oldroot` in the source of the domain's "/" when it pivots
// (lxcContainerPivotRoot), and mount points there: the domain's "/" is a directory of the
// agent's, not the container's rootfs, so none of it shows in `diff` or `commit`.
TEST_F(LibvirtBackendTest, LibvirtWritesNothingIntoTheContainersRootfs) {
  std::string id = RunDetached({"--name", "clean"}, {"sleep", "30"});
  CommandResult listing = agent_.Cli({"exec", id, "ls", "-a", "/"});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out.find(".oldroot"), std::string::npos) << listing.out;
  CommandResult diff = agent_.Cli({"diff", id});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out, "") << "the container changed nothing";
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"wait", id}).out, "137\n");
  EXPECT_EQ(agent_.Cli({"diff", id}).out, "") << "after the domain's end";
  CommandResult committed = agent_.Cli({"commit", id, "clean:1"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  CommandResult in_image =
      agent_.Cli({"run", "--rm", "--backend", "chroot", "clean:1", "ls", "-a", "/"});
  ASSERT_EQ(in_image.exit_code, 0) << in_image.err;
  EXPECT_EQ(in_image.out.find(".oldroot"), std::string::npos) << in_image.out;
}

// The audit's sequence: the agent restarts while libvirtd is away and the container is stopped
// meanwhile; libvirtd, back, keeps the container's domain shut off. The agent reconciles once
// libvirtd answers: the domain goes, with what libvirt left of it under /run/libvirt/lxc and
// its machine cgroups, and the container starts again under its own domain name.
TEST_F(LibvirtBackendTest, DomainsAreReconciledOnceLibvirtdIsBackAfterAnAgentRestart) {
  std::string id =
      RunDetached({}, {"sh", "-c", "trap 'exit 9' TERM; while true; do sleep 0.2; done"});
  const std::string domain = "boxcar-" + id.substr(0, 12);
  LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
  agent_.Stop(/*kill9=*/true);
  libvirtd.Stop();
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  CommandResult stopped = agent_.Cli({"stop", "-t", "3", id});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(Inspect(id).exit_code(), 9);
  libvirtd.Start();
  ASSERT_TRUE(libvirtd.running());
  std::string left = "x";
  for (int i = 0; i < 300 && !left.empty(); ++i) {
    left = libvirtd.BoxcarDomains();
    if (!left.empty()) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(left, "") << Virsh("list --all");
  EXPECT_EQ(LibvirtdHarness::RunStateLeftAfter(domain, std::chrono::seconds(5)), "");
  EXPECT_EQ(Output("ls -d /sys/fs/cgroup/*/machine/lxc-*-" + domain + ".libvirt-lxc 2>/dev/null"),
            "");
  CommandResult started = agent_.Cli({"start", id});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(Virsh("list --all --name"), domain + "\n") << "nothing holds its name";
  ASSERT_EQ(agent_.Cli({"stop", "-t", "3", id}).exit_code, 0);
}

// rm removes its container's domains whatever their state: here the domain libvirtd, restarted
// after the container's end, keeps shut off; gone when rm returns, not a while later.
TEST_F(LibvirtBackendTest, RmRemovesTheContainersDomainThatLibvirtdKeepsShutOff) {
  std::string id = RunDetached({}, {"sleep", "30"});
  const std::string domain = "boxcar-" + id.substr(0, 12);
  LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
  libvirtd.Stop();
  ASSERT_EQ(::kill(Inspect(id).pid(), SIGKILL), 0);
  EXPECT_EQ(agent_.Cli({"wait", id}).out, "137\n");
  libvirtd.Start();
  ASSERT_TRUE(libvirtd.running());
  ASSERT_NE(Virsh("list --all --name").find(domain), std::string::npos)
      << "libvirtd keeps it (else this test shows nothing)";
  ASSERT_EQ(agent_.Cli({"rm", id}).exit_code, 0);
  EXPECT_EQ(libvirtd.BoxcarDomains(), "") << "at once";
  EXPECT_EQ(LibvirtdHarness::RunStateOf(domain), "");
  EXPECT_EQ(Output("ls -d /sys/fs/cgroup/*/machine/lxc-*-" + domain + ".libvirt-lxc 2>/dev/null"),
            "");
}

// The agent killed at each point of a start on libvirt: what it leaves ends by itself (a
// shim whose agent went away before sending the spec exits, and its domain with it) or at the
// restart (recovery kills what runs in the cgroups of a container not recorded as running;
// ReconcileAfterRestart destroys the agent's domains of containers it does not know as
// running). No domain is left and the container starts normally afterwards.
TEST_F(LibvirtBackendTest, NoDomainIsLeftByAStartTheAgentDiedIn) {
  CommandResult created = agent_.Cli({"create", "--name", "crashy", "busybox", "sleep", "30"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  for (const char* point : {"libvirt.after_create_domain", "start.after_launch"}) {
    agent_.Stop();
    agent_.Start(agent_args_, {std::string("BOXCAR_CRASH_AT=") + point});
    ASSERT_FALSE(HasFatalFailure());
    agent_.Cli({"start", "crashy"});
    int status = agent_.WaitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << point << ": wait status " << status;
    RestartAgent();
    ASSERT_FALSE(HasFatalFailure());
    std::string left = "x";
    for (int i = 0; i < 100 && !left.empty(); ++i) {
      left = LibvirtdHarness::Shared().BoxcarDomains();
      if (!left.empty()) std::this_thread::sleep_for(milliseconds(50));
    }
    EXPECT_EQ(left, "") << point;
    EXPECT_NE(Inspect("crashy").state(), v1::CONTAINER_STATE_RUNNING) << point;
  }
  ASSERT_EQ(agent_.Cli({"start", "crashy"}).exit_code, 0);
  EXPECT_EQ(Inspect("crashy").state(), v1::CONTAINER_STATE_RUNNING);
  // Found again by its metadata after a plain kill -9.
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect("crashy").state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(LibvirtdHarness::Shared().BoxcarDomains(),
            "boxcar-" + Inspect("crashy").id().substr(0, 12) + "\n");
}

// libvirtd absent or the URI wrong: the agent starts, `info` says why the backend is
// unavailable, and calls on it fail naming the backend.
TEST(LibvirtUnavailableTest, AWrongUriLeavesTheAgentUpAndTheBackendUnavailable) {
  AgentHarness agent;
  agent.Start({"--libvirt-uri", "lxc:///system?socket=/nonexistent/libvirt-sock"});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ASSERT_FALSE(agent.ImportBusybox().empty());
  CommandResult info = agent.Cli({"info"});
  EXPECT_NE(info.out.find(" libvirt: unavailable: libvirt backend: cannot connect to libvirtd at "
                          "'lxc:///system?socket=/nonexistent/libvirt-sock'"),
            std::string::npos)
      << info.out;
  CommandResult run = agent.Cli({"run", "--rm", "--backend", "libvirt", "busybox", "true"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("backend 'libvirt' is unavailable"), std::string::npos) << run.err;
  CommandResult chroot = agent.Cli({"run", "--rm", "busybox", "echo", "fine"});
  EXPECT_EQ(chroot.out, "fine\n") << "the other backends work: " << chroot.err;
  // The agent keeps trying to connect, quietly (libvirt's own messages are debug output).
  std::this_thread::sleep_for(milliseconds(1500));
  auto log = ReadFileToString(agent.work_dir() + "/agent.log");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find("XML-RPC error"), std::string::npos) << *log;
  agent.RemoveAllContainers();
  agent.Stop();
}

}  // namespace
}  // namespace boxcar::testing
