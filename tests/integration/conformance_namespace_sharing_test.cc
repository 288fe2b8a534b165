// Conformance, Docker's namespace-sharing flags on every backend (conformance_test.cc says how
// the suite works): --network container:NAME joins that container's network namespace (its
// loopback server is reachable, its hostname is used), --pid container:NAME sees its
// processes, --ipc container:NAME joins a shareable IPC namespace, --pid/--ipc/--uts host the
// host's; fields that cannot apply are refused naming them, a missing other container is
// NOT_FOUND and a stopped one refuses the start. A backend without "namespace-sharing" refuses
// every such flag naming its field. The dependent keeps the namespaces it joined when the
// other container goes; its next start needs the other running again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent_fixture.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceNamespaceSharingTest : public ConformanceTest {
 protected:
  bool Shares() const { return capabilities_.count("namespace-sharing") > 0; }
  // "net:[4026531992]", as seen from inside the running container `id`.
  std::string NamespaceOf(const std::string& id, const std::string& type) {
    return agent_.Cli({"exec", id, "readlink", "/proc/self/ns/" + type}).out;
  }
  static std::string HostNamespace(const std::string& type) {
    char target[128] = {};
    ssize_t n = ::readlink(("/proc/self/ns/" + type).c_str(), target, sizeof target - 1);
    return n > 0 ? std::string(target, n) + "\n" : "";
  }
  std::string State(const std::string& id) {
    return agent_.Cli({"inspect", "-f", "{{.state}}", id}).out;
  }
};

TEST_P(ConformanceNamespaceSharingTest, ABackendWithoutTheCapabilityRefusesEveryMode) {
  if (Shares()) GTEST_SKIP() << GetParam() << " shares namespaces (the other tests)";
  std::string a = RunDetached({"--name", "target"}, {"sleep", "60"});
  ExpectCreateRefused({"--network", "container:target"}, "spec.network.mode");
  ExpectCreateRefused({"--pid", "container:target"}, "spec.pid_mode");
  ExpectCreateRefused({"--pid", "host"}, "spec.pid_mode");
  ExpectCreateRefused({"--ipc", "host"}, "spec.ipc_mode");
  ExpectCreateRefused({"--uts", "host"}, "spec.uts_mode");
  CommandResult refused = agent_.Cli({"create", "--pid", "host", "busybox", "true"});
  EXPECT_NE(refused.err.find("backend '" + GetParam() + "' cannot share namespaces"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, a.substr(0, 12) + "\n") << "nothing was created";
  agent_.Cli({"rm", "-f", a});
}

TEST_P(ConformanceNamespaceSharingTest, NetworkContainerReachesTheOthersLoopbackServer) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  std::string a = RunDetached(
      {"--name", "web"},
      {"sh", "-c",
       "echo served-by-web > /tmp/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp"});
  CommandResult fetched =
      RunRm({"--network", "container:web"},
            {"sh", "-c",
             "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
             "wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.1; done; exit 1"});
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_EQ(fetched.out, "served-by-web\n") << fetched.err;

  std::string b = RunDetached({"--network", "container:web"}, {"sleep", "60"});
  EXPECT_EQ(NamespaceOf(b, "net"), NamespaceOf(a, "net"));
  EXPECT_NE(NamespaceOf(b, "pid"), NamespaceOf(a, "pid")) << "only the network is shared";
  EXPECT_NE(NamespaceOf(b, "net"), HostNamespace("net"));
  // As Docker: the other container's hostname, its id recorded in the mode.
  EXPECT_EQ(agent_.Cli({"exec", b, "hostname"}).out, agent_.Cli({"exec", a, "hostname"}).out);
  EXPECT_EQ(agent_.Cli({"inspect", "-f", "{{.spec.network.mode}}", b}).out,
            "container:" + a + "\n");
  EXPECT_EQ(State(b), "CONTAINER_STATE_RUNNING\n");
  agent_.Cli({"rm", "-f", b});
  agent_.Cli({"rm", "-f", a});
}

TEST_P(ConformanceNamespaceSharingTest, PidContainerSeesTheOthersProcesses) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  std::string a = RunDetached({"--name", "main"}, {"sleep", "600"});
  CommandResult seen =
      RunRm({"--pid", "container:main"},
            {"sh", "-c",
             "cat /proc/1/cmdline | tr '\\0' ' '; echo; ps -o comm= | grep -c sleep; "
             "[ $$ != 1 ] && echo not-pid-1"});
  EXPECT_EQ(seen.exit_code, 0) << seen.err;
  EXPECT_EQ(seen.out, "sleep 600 \n1\nnot-pid-1\n") << seen.err;
  std::string b = RunDetached({"--pid", "container:main"}, {"sleep", "700"});
  EXPECT_EQ(NamespaceOf(b, "pid"), NamespaceOf(a, "pid"));
  EXPECT_NE(NamespaceOf(b, "net"), NamespaceOf(a, "net")) << "only the PID namespace is shared";
  // The other container sees the dependent's payload too.
  CommandResult from_a = agent_.Cli({"exec", a, "sh", "-c", "ps -o args= | grep -c '^sleep 700'"});
  EXPECT_EQ(from_a.out, "1\n") << from_a.err;
  // What the dependent leaves running in the other's namespace goes with the dependent (its
  // cgroup), not to the other's PID 1.
  CommandResult orphaning = RunRm({"--pid", "container:main"}, {"sh", "-c", "sleep 301 & exit 0"});
  EXPECT_EQ(orphaning.exit_code, 0) << orphaning.err;
  std::string orphans;
  for (int i = 0; i < 50; ++i) {
    orphans = agent_.Cli({"exec", a, "sh", "-c", "ps -o args= | grep -c '^sleep 301'"}).out;
    if (orphans == "0\n") break;
    usleep(100 * 1000);
  }
  EXPECT_EQ(orphans, "0\n") << "a process of the removed dependent lives on";
  // Its PID 1 gone, the kernel ends every process of the namespace: the dependent exits too.
  agent_.Cli({"stop", "-t", "1", a});
  CommandResult waited = agent_.Cli({"wait", b});
  EXPECT_EQ(State(b), "CONTAINER_STATE_EXITED\n") << waited.out << waited.err;
  agent_.Cli({"rm", "-f", b});
  agent_.Cli({"rm", "-f", a});
}

TEST_P(ConformanceNamespaceSharingTest, IpcContainerJoinsAShareableNamespaceOnly) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  std::string a = RunDetached({"--name", "shm-owner", "--ipc", "shareable"}, {"sleep", "60"});
  std::string b = RunDetached({"--ipc", "container:shm-owner"}, {"sleep", "60"});
  EXPECT_EQ(NamespaceOf(b, "ipc"), NamespaceOf(a, "ipc"));
  EXPECT_NE(NamespaceOf(b, "ipc"), HostNamespace("ipc"));
  EXPECT_EQ(agent_.Cli({"inspect", "-f", "{{.spec.ipc_mode}}", a}).out, "shareable\n");
  // As Docker: a private IPC namespace (the default) is not to be joined.
  std::string c = RunDetached({"--name", "private-ipc"}, {"sleep", "60"});
  CommandResult refused =
      agent_.Cli({"run", "--rm", "--ipc", "container:private-ipc", "busybox", "true"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("non-shareable"), std::string::npos) << refused.err;
  for (const auto& id : {b, a, c}) agent_.Cli({"rm", "-f", id});
}

TEST_P(ConformanceNamespaceSharingTest, HostModesShareTheHostsNamespaces) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  std::string id =
      RunDetached({"--pid", "host", "--ipc", "host", "--uts", "host"}, {"sleep", "60"});
  EXPECT_EQ(NamespaceOf(id, "pid"), HostNamespace("pid"));
  EXPECT_EQ(NamespaceOf(id, "ipc"), HostNamespace("ipc"));
  EXPECT_EQ(NamespaceOf(id, "uts"), HostNamespace("uts"));
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  EXPECT_EQ(agent_.Cli({"exec", id, "hostname"}).out, std::string(host_hostname) + "\n");
  // Docker's names work too (the CLI folds case and underscores).
  EXPECT_EQ(
      agent_.Cli({"inspect", "-f", "{{.Spec.PidMode}} {{.Spec.IpcMode}} {{.Spec.UtsMode}}", id})
          .out,
      "host host host\n");
  // The default stays a namespace of its own.
  std::string own = RunDetached({}, {"sleep", "60"});
  EXPECT_NE(NamespaceOf(own, "pid"), HostNamespace("pid"));
  EXPECT_NE(NamespaceOf(own, "ipc"), HostNamespace("ipc"));
  EXPECT_NE(NamespaceOf(own, "uts"), HostNamespace("uts"));
  agent_.Cli({"rm", "-f", id});
  agent_.Cli({"rm", "-f", own});
}

TEST_P(ConformanceNamespaceSharingTest, WhatCannotApplyIsRefusedNamingTheField) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  std::string a = RunDetached({"--name", "peer"}, {"sleep", "60"});
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  } cases[] = {
      {{"--network", "container:peer", "-p", "8080:80"}, "spec.network.ports"},
      {{"--network", "container:peer", "-P"}, "spec.network.publish_all"},
      {{"--network", "container:peer", "--ip", "10.0.0.9"}, "spec.network.ip"},
      {{"--network", "container:peer", "--mac-address", "02:42:ac:11:00:02"}, "spec.network.mac"},
      {{"--network", "container:peer", "--dns", "1.1.1.1"}, "spec.network.dns"},
      {{"--network", "container:peer", "--dns-search", "example.com"}, "spec.network.dns_search"},
      {{"--network", "container:peer", "--dns-option", "ndots:2"}, "spec.network.dns_options"},
      {{"--network", "container:peer", "--add-host", "db:10.0.0.5"}, "spec.network.extra_hosts"},
      {{"--network", "container:peer", "--network-alias", "x"}, "spec.network.aliases"},
      {{"--network", "container:peer", "-h", "other"}, "spec.hostname"},
      {{"--network", "container:peer", "--sysctl", "net.ipv4.ip_forward=1"},
       "spec.sysctls[net.ipv4.ip_forward]"},
      {{"--ipc", "host", "--sysctl", "kernel.shmmax=1000000"}, "spec.sysctls[kernel.shmmax]"},
      {{"--uts", "host", "-h", "other"}, "spec.hostname"},
      {{"--network", "container:"}, "spec.network.mode"},
      {{"--pid", "private"}, "spec.pid_mode"},
      {{"--ipc", "none-such"}, "spec.ipc_mode"},
      {{"--uts", "container:peer"}, "spec.uts_mode"},
      {{"--network", "container:no-such-container"},
       "spec.network.mode: no container 'no-such-container'"},
      {{"--pid", "container:no-such-container"}, "spec.pid_mode: no container"},
  };
  for (const Case& bad : cases) ExpectCreateRefused(bad.flags, bad.message);
  if (capabilities_.count("userns")) {
    ExpectCreateRefused({"--userns", "--network", "container:peer"}, "spec.userns");
  }
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, a.substr(0, 12) + "\n") << "nothing was created";
  agent_.Cli({"rm", "-f", a});
}

// Docker's behaviour, which Boxcar keeps: the dependent keeps the namespace it joined while
// the other container stops or goes; its next start needs the other one running again.
TEST_P(ConformanceNamespaceSharingTest, DependentKeepsItsNamespaceAndRestartsOnlyWithTheOther) {
  if (!Shares()) GTEST_SKIP() << GetParam() << " refuses (see above)";
  CommandResult created = agent_.Cli({"create", "--name", "later", "busybox", "sleep", "60"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // Created, never started: the dependent's start is refused, saying to start it.
  CommandResult early =
      agent_.Cli({"run", "-d", "--network", "container:later", "busybox", "sleep", "60"});
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.err.find("container later is not running; start it first"), std::string::npos)
      << early.err;
  agent_.Cli({"rm", "-f", "later"});
  agent_.Cli({"rm", "-f", early.out.substr(0, early.out.find('\n'))});

  std::string a = RunDetached({"--name", "netowner"}, {"sleep", "600"});
  std::string b =
      RunDetached({"--name", "sidecar", "--network", "container:netowner"}, {"sleep", "600"});
  const std::string shared = NamespaceOf(b, "net");
  ASSERT_EQ(shared, NamespaceOf(a, "net"));
  CommandResult stopped = agent_.Cli({"stop", "-t", "1", "netowner"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(State(b), "CONTAINER_STATE_RUNNING\n") << "the dependent keeps running";
  EXPECT_EQ(NamespaceOf(b, "net"), shared) << "in the namespace it joined";
  agent_.Cli({"stop", "-t", "1", "sidecar"});
  CommandResult refused = agent_.Cli({"start", "sidecar"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(
      refused.err.find("spec.network.mode: container netowner is not running; start it first"),
      std::string::npos)
      << refused.err;
  ASSERT_EQ(agent_.Cli({"start", "netowner"}).exit_code, 0);
  CommandResult restarted = agent_.Cli({"start", "sidecar"});
  EXPECT_EQ(restarted.exit_code, 0) << restarted.err;
  EXPECT_EQ(NamespaceOf(b, "net"), NamespaceOf(a, "net")) << "the restarted owner's namespace";
  // Removed: the dependent still runs; its next start is NOT_FOUND.
  EXPECT_EQ(agent_.Cli({"rm", "-f", "netowner"}).exit_code, 0);
  EXPECT_EQ(State(b), "CONTAINER_STATE_RUNNING\n");
  EXPECT_EQ(agent_.Cli({"exec", b, "true"}).exit_code, 0);
  agent_.Cli({"stop", "-t", "1", "sidecar"});
  CommandResult gone = agent_.Cli({"start", "sidecar"});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("no longer exists"), std::string::npos) << gone.err;
  agent_.Cli({"rm", "-f", b});
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceNamespaceSharingTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
