// Conformance, --security-opt and --privileged on every backend (conformance_test.cc says how
// the suite works): no_new_privs is off by default, as Docker's, so a setuid-root binary raises
// a non-root user's euid, and on with no-new-privileges; the seccomp filter is installed either
// way, is gone with seccomp=unconfined, and a profile of Docker's format replaces it (on lxc
// said in LXC's policy language: argument comparisons keep Docker's meaning, and an action LXC
// lacks is refused at Create); a
// privileged container has every capability, no filter, /proc unmasked, /sys writable and the
// host's device nodes; an exec follows the container's settings; bad options are refused
// naming the field, creating nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "agent_fixture.h"
#include "build_paths.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceSecurityOptionsTest : public ConformanceTest {
 protected:
  // A container running `sleep`, with the setuid-root probe at /probe.
  std::string RunWithSetuidProbe(std::vector<std::string> flags) {
    flags.insert(flags.end(), {"-v", std::string(BOXCAR_SETUID_PROBE_PATH) + ":/h/probe:ro"});
    std::string id = RunDetached(flags, {"sleep", "30"});
    CommandResult installed =
        agent_.Cli({"exec", id, "sh", "-c", "cp /h/probe /probe && chmod 4755 /probe"});
    EXPECT_EQ(installed.exit_code, 0) << installed.err;
    return id;
  }

  std::string StatusLines(const std::string& id, const std::string& pid) {
    return agent_
        .Cli({"exec", id, "grep", "-E", "^(NoNewPrivs|Seccomp):", "/proc/" + pid + "/status"})
        .out;
  }

  std::string WriteProfile(const std::string& name, const std::string& json) {
    std::string path = agent_.work_dir() + "/" + name;
    std::ofstream(path) << json;
    return path;
  }
};

TEST_P(ConformanceSecurityOptionsTest, SetuidBinariesRaisePrivilegesUnlessNoNewPrivileges) {
  // Docker's default: no no_new_privs, and still the seccomp filter (mode 2).
  std::string id = RunWithSetuidProbe({});
  EXPECT_EQ(agent_.Cli({"exec", "--user", "1000", id, "/probe"}).out, "euid 0\n");
  EXPECT_EQ(StatusLines(id, "1"), "NoNewPrivs:\t0\nSeccomp:\t2\n");
  EXPECT_EQ(StatusLines(id, "self"), "NoNewPrivs:\t0\nSeccomp:\t2\n");
  // The filter is in force for a non-root exec too (it went in before the switch of user).
  CommandResult mount =
      agent_.Cli({"exec", "--user", "1000", id, "grep", "Seccomp:", "/proc/self/status"});
  EXPECT_EQ(mount.out, "Seccomp:\t2\n") << mount.err;

  std::string confined = RunWithSetuidProbe({"--security-opt", "no-new-privileges"});
  EXPECT_EQ(agent_.Cli({"exec", "--user", "1000", confined, "/probe"}).out, "euid 1000\n");
  EXPECT_EQ(StatusLines(confined, "1"), "NoNewPrivs:\t1\nSeccomp:\t2\n");
  EXPECT_EQ(StatusLines(confined, "self"), "NoNewPrivs:\t1\nSeccomp:\t2\n");

  // =false is the default spelled out.
  CommandResult spelled = RunRm({"--security-opt", "no-new-privileges=false"},
                                {"grep", "NoNewPrivs:", "/proc/self/status"});
  EXPECT_EQ(spelled.out, "NoNewPrivs:\t0\n") << spelled.err;
  // A non-root payload still gets the filter.
  CommandResult user = RunRm({"--user", "1000"}, {"grep", "Seccomp:", "/proc/self/status"});
  EXPECT_EQ(user.out, "Seccomp:\t2\n") << user.err;
}

TEST_P(ConformanceSecurityOptionsTest, SeccompUnconfinedInstallsNoFilter) {
  CommandResult unconfined = RunRm({"--security-opt", "seccomp=unconfined"},
                                   {"sh", "-c",
                                    "grep Seccomp: /proc/self/status; mkdir /m && "
                                    "mount -t tmpfs none /m || echo refused"});
  // Without the filter, mount fails for want of CAP_SYS_ADMIN, not by the filter's EPERM.
  EXPECT_NE(unconfined.out.find("Seccomp:\t0\n"), std::string::npos) << unconfined.err;
  std::string id =
      RunDetached({"--security-opt", "seccomp=unconfined", "--user", "1000"}, {"sleep", "30"});
  EXPECT_EQ(StatusLines(id, "1"), "NoNewPrivs:\t0\nSeccomp:\t0\n");
  EXPECT_EQ(StatusLines(id, "self"), "NoNewPrivs:\t0\nSeccomp:\t0\n");
}

TEST_P(ConformanceSecurityOptionsTest, ASeccompProfileReplacesTheDefaultFilter) {
  // Everything allowed but mkdir, which fails with ENOSYS; mount, refused by the default
  // filter, goes through to the kernel (and CAP_SYS_ADMIN makes it work).
  const std::string profile = WriteProfile("profile.json", R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
      {"names": ["sethostname"], "action": "SCMP_ACT_ERRNO",
       "excludes": {"caps": ["CAP_SYS_ADMIN"]}}
    ]})");
  const std::vector<std::string> flags = {"--security-opt", "seccomp=" + profile, "--cap-add",
                                          "SYS_ADMIN"};
  const std::vector<std::string> command = {
      "sh", "-c",
      "grep Seccomp: /proc/self/status; mkdir /d; mount -t tmpfs none /tmp && echo mounted"};
  CommandResult run = RunRm(flags, command);
  EXPECT_EQ(run.out, "Seccomp:\t2\nmounted\n") << run.err;
  EXPECT_NE(run.err.find("Function not implemented"), std::string::npos) << run.err;
  // An exec gets the same profile.
  std::string id = RunDetached(flags, {"sleep", "30"});
  CommandResult exec = agent_.Cli({"exec", id, "mkdir", "/e"});
  EXPECT_NE(exec.err.find("Function not implemented"), std::string::npos) << exec.err;
  // The profile's text is in the spec: inspect shows it.
  CommandResult inspect = agent_.Cli({"inspect", "--format", "{{json .spec.securityOpt}}", id});
  EXPECT_NE(inspect.out.find("SCMP_ACT_ERRNO"), std::string::npos) << inspect.out << inspect.err;
}

TEST_P(ConformanceSecurityOptionsTest, ProfileComparisonsKeepDockersMeaning) {
  // SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum. chmod to a mode whose owner bits
  // are exactly --x fails with ENOSYS; rwx does not (with the two swapped, neither would).
  const std::string profile = WriteProfile("masked.json", R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
      {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
       "args": [{"index": 1, "value": 448, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
       "args": [{"index": 2, "value": 448, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]}
    ]})");
  CommandResult run =
      RunRm({"--security-opt", "seccomp=" + profile},
            {"sh", "-c",
             "touch /f; chmod 700 /f && echo rwx; chmod 100 /f && echo x; chmod 644 /f && echo "
             "rw; stat -c %a /f"});
  EXPECT_EQ(run.out, "rwx\nrw\n644\n") << run.err;
  EXPECT_NE(run.err.find("Function not implemented"), std::string::npos) << run.err;
}

TEST_P(ConformanceSecurityOptionsTest, ThePodmanProfileRunsAContainer) {
  // containers-common's profile (installed with podman): an allowlist of ~400 calls, default
  // SCMP_ACT_ERRNO, comparisons on personality, clone and socket, includes by capability.
  const std::string profile = "/usr/share/containers/seccomp.json";
  ASSERT_EQ(::access(profile.c_str(), R_OK), 0) << "deploy/install-deps.sh installs podman";
  CommandResult run = RunRm({"--security-opt", "seccomp=" + profile},
                            {"sh", "-c", "grep Seccomp: /proc/self/status; mkdir /d && echo ok"});
  EXPECT_EQ(run.out, "Seccomp:\t2\nok\n") << run.err;
  // It replaces the default filter: adjtimex (reading the clock's state) is in its list,
  // while Boxcar's default refuses it without CAP_SYS_TIME.
  const std::vector<std::string> read_clock = {
      "sh", "-c", "adjtimex >/dev/null 2>&1 && echo read || echo refused"};
  EXPECT_EQ(RunRm({"--security-opt", "seccomp=" + profile}, read_clock).out, "read\n");
  EXPECT_EQ(RunRm({}, read_clock).out, "refused\n");
}

TEST_P(ConformanceSecurityOptionsTest, AnActionTheBackendCannotSayIsRefusedAtCreate) {
  const std::string profile = WriteProfile("log.json", R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]})");
  if (GetParam() != "lxc") {
    CommandResult run =
        RunRm({"--security-opt", "seccomp=" + profile}, {"sh", "-c", "mkdir /d && echo made"});
    EXPECT_EQ(run.out, "made\n") << run.err;
    return;
  }
  CommandResult refused =
      agent_.Cli({"create", "--security-opt", "seccomp=" + profile, "busybox", "true"});
  EXPECT_EQ(refused.exit_code, 125);
  EXPECT_NE(refused.err.find("spec.security_opt[0]: seccomp profile: syscalls[0].action: "
                             "SCMP_ACT_LOG: backend 'lxc' has only"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

TEST_P(ConformanceSecurityOptionsTest, BadSecurityOptionsAreRefusedNamingTheField) {
  const std::string unknown_action = WriteProfile(
      "bad-action.json",
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]})");
  const std::string unknown_syscall = WriteProfile(
      "bad-syscall.json",
      R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "opne"], "action": "SCMP_ACT_ALLOW"}]})");
  const std::string not_json = WriteProfile("not-json.json", "defaultAction: allow");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"seccomp=" + agent_.work_dir() + "/missing.json",
       "spec.security_opt[1]: cannot read the seccomp profile"},
      {"seccomp=" + unknown_action,
       "spec.security_opt[1]: seccomp profile: syscalls[0].action: unknown action 'SCMP_ACT_NOPE'"},
      {"seccomp=" + unknown_syscall,
       "spec.security_opt[1]: seccomp profile: syscalls[0].names[1]: unknown system call 'opne'"},
      {"seccomp=" + not_json, "spec.security_opt[1]: seccomp profile: not a JSON object"},
      {"seccomp=strict", "spec.security_opt[1]: cannot read the seccomp profile 'strict'"},
      {"seccomp=", "spec.security_opt[1]: seccomp takes unconfined, builtin"},
      {"no-new-privileges=maybe", "spec.security_opt[1]: no-new-privileges takes true or false"},
      {"label=type:svirt_t", "spec.security_opt[1]: 'label=type:svirt_t' needs a policy"},
      {"systempaths=unconfined", "spec.security_opt[1]: unknown security option"},
  };
  for (const auto& [option, message] : cases) {
    CommandResult refused = agent_.Cli({"create", "--security-opt", "apparmor=unconfined",
                                        "--security-opt", option, "busybox", "true"});
    EXPECT_EQ(refused.exit_code, 125) << option;
    EXPECT_NE(refused.err.find(message), std::string::npos) << option << ": " << refused.err;
  }
  CommandResult userns = agent_.Cli({"create", "--privileged", "--userns", "busybox", "true"});
  EXPECT_NE(userns.exit_code, 0);
  EXPECT_NE(userns.err.find("spec.privileged"), std::string::npos) << userns.err;
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
  // What Docker users pass to turn off SELinux or AppArmor is accepted: Boxcar has neither.
  CommandResult accepted = RunRm({"--security-opt", "label=disable", "--security-opt",
                                  "apparmor=unconfined", "--security-opt", "label:disable"},
                                 {"echo", "ok"});
  EXPECT_EQ(accepted.out, "ok\n") << accepted.err;
}

// Every capability the host lets a process have: this test's own bounding set (machines of
// this kind lack CAP_SYS_RESOURCE in it).
std::string AllCapabilitiesMask() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapBnd:\t", 0) == 0) return line.substr(8);
  }
  return "";
}

// A character device of the host that the default /dev lacks.
std::string HostOnlyDevice() {
  for (const char* path : {"/dev/kmsg", "/dev/loop-control", "/dev/mem", "/dev/fuse"}) {
    struct stat st;
    if (::stat(path, &st) == 0 && S_ISCHR(st.st_mode)) return path;
  }
  return "";
}

TEST_P(ConformanceSecurityOptionsTest, PrivilegedHasEverythingAndExecFollows) {
  const std::string all = AllCapabilitiesMask();
  const std::string device = HostOnlyDevice();
  ASSERT_NE(device, "") << "the host has none of the devices this test looks for";
  const std::string script =
      "grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status; "
      "grep -E ' /sys sysfs (rw|ro),' /proc/mounts | cut -d' ' -f4 | cut -d, -f1; "
      "grep -q -E ' /proc/(kcore|sys) ' /proc/mounts && echo masked; "
      "test -c " +
      device + " && echo device";
  CommandResult privileged = RunRm({"--privileged"}, {"sh", "-c", script});
  EXPECT_EQ(privileged.out, "CapEff:\t" + all + "\nCapBnd:\t" + all + "\nSeccomp:\t0\nrw\ndevice\n")
      << privileged.err;
  // The same checks on a default container: the default set, the filter, masks, no device.
  CommandResult plain = RunRm({}, {"sh", "-c", script});
  EXPECT_EQ(plain.out,
            "CapEff:\t00000000a00425fb\nCapBnd:\t00000000a00425fb\nSeccomp:\t2\nro\nmasked\n")
      << plain.err;

  // An exec into a privileged container: all capabilities, no filter; cap_drop is ignored.
  std::string id = RunDetached({"--privileged", "--cap-drop", "ALL"}, {"sleep", "30"});
  CommandResult exec =
      agent_.Cli({"exec", id, "grep", "-E", "^(CapEff|Seccomp):", "/proc/self/status"});
  EXPECT_EQ(exec.out, "CapEff:\t" + all + "\nSeccomp:\t0\n") << exec.err;
  CommandResult inspect = agent_.Cli({"inspect", "--format", "{{.spec.privileged}}", id});
  EXPECT_EQ(inspect.out, "true\n") << inspect.err;
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceSecurityOptionsTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
