// A test process killed midway (as ctest's timeout does) leaves its agent, containers, mounts,
// cgroups and network namespaces; RemoveDeadTestsLeftovers (run by the next process's first
// harness) removes them all and touches nothing of a test that still runs.
#include "dead_test_leftovers.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "agent_harness.h"
#include "common/atomic_file.h"
#include "lxc_leftovers.h"
#include "network_namespaces.h"

namespace boxcar::testing {
namespace {

constexpr char kVictimInfoVariable[] = "BOXCAR_VICTIM_INFO";

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool ProcessExists(pid_t pid) {
  auto stat = ReadFileToString("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return false;
  auto state_at = stat->rfind(')');
  return state_at != std::string::npos && stat->size() > state_at + 2 &&
         (*stat)[state_at + 2] != 'Z';
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Run only by the test below, in a process of its own that it then kills: an agent in a
// network namespace with a chroot and an lxc container running, like any test in its midst.
TEST(DeadTestLeftovers, DISABLED_VictimRunsContainersUntilKilled) {
  const char* info_path = std::getenv(kVictimInfoVariable);
  ASSERT_NE(info_path, nullptr);
  NetworkNamespaces namespaces;
  AgentHarness agent;
  agent.UseNetworkNamespace(namespaces.agent());
  agent.Start();
  agent.ImportBusybox();
  std::string payload_pids;
  for (const std::string backend : {"chroot", "lxc"}) {
    CommandResult ran = agent.Cli({"run", "-d", "--backend", backend, "--network", "boxcar0", "-p",
                                   backend == "lxc" ? "8081:80" : "8080:80", "--name",
                                   "victim-" + backend, "busybox", "sleep", "600"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    CommandResult pid = agent.Cli({"inspect", "-f", "{{.pid}}", "victim-" + backend});
    ASSERT_EQ(pid.exit_code, 0) << pid.err;
    payload_pids += Trimmed(pid.out) + " ";
  }
  ASSERT_TRUE(WriteFileAtomically(info_path, std::to_string(agent.agent_pid()) + "\n" +
                                                 agent.work_dir() + "\n" + agent.cgroup_parent() +
                                                 "\n" + namespaces.agent() + "\n" +
                                                 namespaces.remote() + "\n" + payload_pids + "\n")
                  .ok());
  for (;;) ::pause();
}

TEST(DeadTestLeftovers, AKilledTestsAgentContainersMountsCgroupsAndNamespacesAreRemoved) {
  // A test still running: its agent and work directory must survive the sweep.
  AgentHarness living;
  living.Start();
  const std::string run_lxc_before = RunLxcListing();
  const std::string info_path = living.work_dir() + "/victim";
  pid_t victim = Spawn({"/proc/self/exe",
                        "--gtest_filter=DeadTestLeftovers.DISABLED_VictimRunsContainersUntilKilled",
                        "--gtest_also_run_disabled_tests"},
                       living.work_dir() + "/victim.log", living.work_dir() + "/victim.log",
                       {std::string(kVictimInfoVariable) + "=" + info_path});
  ASSERT_GT(victim, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!Exists(info_path) && ::waitpid(victim, nullptr, WNOHANG) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream info(info_path);
  pid_t agent_pid = 0, chroot_payload = 0, lxc_payload = 0;
  std::string work_dir, cgroup_parent, agent_namespace, remote_namespace;
  info >> agent_pid >> work_dir >> cgroup_parent >> agent_namespace >> remote_namespace >>
      chroot_payload >> lxc_payload;
  ::kill(victim, SIGKILL);
  ::waitpid(victim, nullptr, 0);
  auto log = ReadFileToString(living.work_dir() + "/victim.log");
  ASSERT_GT(lxc_payload, 0) << "the victim did not get its containers running: "
                            << (log.ok() ? *log : "");
  // What the killed test left, as ctest's timeout leaves it.
  ASSERT_TRUE(ProcessExists(agent_pid));
  ASSERT_TRUE(ProcessExists(chroot_payload));
  ASSERT_TRUE(ProcessExists(lxc_payload));
  ASSERT_TRUE(Exists(work_dir));
  ASSERT_TRUE(Exists("/run/netns/" + agent_namespace));

  const std::string removed = RemoveDeadTestsLeftovers();

  EXPECT_NE(removed.find("agent pid " + std::to_string(agent_pid) + "\n"), std::string::npos)
      << removed;
  EXPECT_FALSE(ProcessExists(agent_pid)) << removed;
  EXPECT_FALSE(ProcessExists(chroot_payload)) << removed;
  EXPECT_FALSE(ProcessExists(lxc_payload)) << removed;
  EXPECT_FALSE(Exists(work_dir));
  auto mountinfo = ReadFileToString("/proc/self/mountinfo");
  ASSERT_TRUE(mountinfo.ok());
  EXPECT_EQ(mountinfo->find(work_dir), std::string::npos) << *mountinfo;
  for (const std::string controller : {"memory", "pids", "cpu", "freezer", "unified", ""}) {
    EXPECT_FALSE(Exists("/sys/fs/cgroup/" + controller + "/" + cgroup_parent)) << controller;
  }
  EXPECT_FALSE(Exists("/run/netns/" + agent_namespace));
  EXPECT_FALSE(Exists("/run/netns/" + remote_namespace));
  EXPECT_EQ(living.OrphanedShims(), "");
  EXPECT_EQ(LxcShimProcesses(), "");
  EXPECT_EQ(RunLxcListing(), run_lxc_before);

  // The living test's agent still answers, its directory is whole.
  EXPECT_TRUE(Exists(living.root_dir()));
  EXPECT_EQ(living.Cli({"ps", "-a", "-q"}).exit_code, 0);
  EXPECT_TRUE(ProcessExists(living.agent_pid()));
  // Nothing left for a second sweep.
  EXPECT_EQ(RemoveDeadTestsLeftovers(), "");
}

}  // namespace
}  // namespace boxcar::testing
