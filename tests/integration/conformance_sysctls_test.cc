// Conformance, --sysctl and --shm-size on every backend (conformance_test.cc says how the suite
// works): namespaced sysctls are set in the container's own namespaces before the payload
// starts (the host keeps its values), keys that are not namespaced and net.* on the host's
// network are refused naming the field, a value the kernel refuses fails the start naming the
// key; /dev/shm is as large as asked (64m by default).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceSysctlsTest : public ConformanceTest {};

std::string HostValue(const std::string& proc_path) {
  auto text = ReadFileToString(proc_path);
  return text.ok() ? *text : "";
}

TEST_P(ConformanceSysctlsTest, IpcAndNetworkSysctlsAreSetInsideOnly) {
  const std::string host_shmmax = HostValue("/proc/sys/kernel/shmmax");
  const std::string host_msgmax = HostValue("/proc/sys/fs/mqueue/msg_max");
  const std::string host_ports = HostValue("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  CommandResult result =
      RunRm({"--network", "none", "--sysctl", "kernel.shmmax=123456789", "--sysctl",
             "fs/mqueue/msg_max=77", "--sysctl", "kernel.sem=250 32000 32 129", "--sysctl",
             "net.ipv4.ip_unprivileged_port_start=81"},
            {"sh", "-c",
             "cat /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/sem "
             "/proc/sys/net/ipv4/ip_unprivileged_port_start"});
  EXPECT_EQ(result.out, "123456789\n77\n250\t32000\t32\t129\n81\n") << result.err;
  EXPECT_EQ(HostValue("/proc/sys/kernel/shmmax"), host_shmmax);
  EXPECT_EQ(HostValue("/proc/sys/fs/mqueue/msg_max"), host_msgmax);
  EXPECT_EQ(HostValue("/proc/sys/net/ipv4/ip_unprivileged_port_start"), host_ports);

  // Shown by inspect, as given.
  std::string id = RunDetached({"--sysctl", "kernel.shmmni=1000"}, {"sleep", "30"});
  CommandResult shown = agent_.Cli({"inspect", id});
  EXPECT_NE(shown.out.find("\"kernel.shmmni\": \"1000\""), std::string::npos) << shown.out;
  CommandResult exec = agent_.Cli({"exec", id, "cat", "/proc/sys/kernel/shmmni"});
  EXPECT_EQ(exec.out, "1000\n") << exec.err;
  // The payload cannot change them back itself: /proc/sys stays read-only.
  CommandResult write =
      agent_.Cli({"exec", id, "sh", "-c", "echo 5 > /proc/sys/kernel/shmmni || echo refused"});
  EXPECT_NE(write.out.find("refused"), std::string::npos) << write.out << write.err;
  agent_.Cli({"rm", "-f", id});
}

TEST_P(ConformanceSysctlsTest, KeysThatAreNotNamespacedAreRefusedNamingTheField) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  } cases[] = {
      {{"--sysctl", "vm.swappiness=10"}, "spec.sysctls[vm.swappiness]: not namespaced"},
      {{"--sysctl", "kernel.hostname=x"}, "spec.sysctls[kernel.hostname]"},
      {{"--sysctl", "net/../vm/swappiness=1"}, "spec.sysctls[net/../vm/swappiness]"},
      {{"--sysctl", "kernel.shmmax="}, "spec.sysctls[kernel.shmmax]"},
      {{"--network", "host", "--sysctl", "net.ipv4.ip_forward=1"},
       "spec.sysctls[net.ipv4.ip_forward]: the container shares the host's network namespace"},
      {{"--shm-size", "1q"}, "--shm-size"},
      {{"--sysctl", "kernel.shmmax"}, "--sysctl"},
  };
  for (const Case& bad : cases) ExpectCreateRefused(bad.flags, bad.message);
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

// The kernel's own refusal (shmmni above IPCMNI) fails the start, naming the key.
TEST_P(ConformanceSysctlsTest, AValueTheKernelRefusesFailsTheStartNamingTheKey) {
  CommandResult failed = RunRm({"--sysctl", "kernel.shmmni=99999999"}, {"echo", "ran"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_EQ(failed.out.find("ran"), std::string::npos) << failed.out;
  EXPECT_NE(failed.err.find("kernel.shmmni"), std::string::npos) << failed.err;
}

TEST_P(ConformanceSysctlsTest, ShmSizeSetsTheSizeOfDevShm) {
  const std::string size_of_shm = "grep ' /dev/shm ' /proc/mounts | grep -o 'size=[0-9]*k'";
  CommandResult by_default = RunRm({}, {"sh", "-c", size_of_shm});
  EXPECT_EQ(by_default.out, "size=65536k\n") << by_default.err;
  CommandResult asked = RunRm({"--shm-size", "128m"}, {"sh", "-c", size_of_shm});
  EXPECT_EQ(asked.out, "size=131072k\n") << asked.err;
  // Usable up to that size: df sees it.
  CommandResult df = RunRm({"--shm-size", "1g"}, {"sh", "-c", "df -k /dev/shm | tail -n 1"});
  EXPECT_NE(df.out.find("1048576"), std::string::npos) << df.out << df.err;
  std::string id = RunDetached({"--shm-size", "96m"}, {"sleep", "30"});
  CommandResult shown = agent_.Cli({"inspect", id});
  EXPECT_NE(shown.out.find("\"shm_size_bytes\": \"100663296\""), std::string::npos) << shown.out;
  agent_.Cli({"rm", "-f", id});
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceSysctlsTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
