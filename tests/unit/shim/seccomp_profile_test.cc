#include "shim/seccomp_profile.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "launch/launch_spec.h"

namespace boxcar {
namespace {

TEST(SeccompProfileTest, AcceptsDockersFormat) {
  EXPECT_EQ(CheckSeccompProfile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "archMap": [{"architecture": "SCMP_ARCH_X86_64",
                 "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
    "syscalls": [
      {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW", "args": [],
       "comment": "", "includes": {}, "excludes": {}},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"},
                {"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
       "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
      {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
      {"names": ["io_uring_setup"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
       "includes": {"minKernel": "5.1"}},
      {"name": "kill", "action": "SCMP_ACT_LOG"}
    ]})",
                                kDefaultKeptCapabilities),
            "");
}

TEST(SeccompProfileTest, NamesWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "not a JSON object"},
      {"{}", "defaultAction: missing"},
      {R"({"defaultAction": "SCMP_ACT_NOTIFY"})",
       "defaultAction: unknown action 'SCMP_ACT_NOTIFY'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]})",
       "architectures[0]: unknown architecture 'SCMP_ARCH_Z80'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "DENY"}]})",
       "syscalls[0].action: unknown action 'DENY'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]})",
       "syscalls[0].action: unknown action"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "opne"], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names[1]: unknown system call 'opne'"},
      // An entry that does not apply is still checked.
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["mountt"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]})",
       "syscalls[0].names[0]: unknown system call 'mountt'"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_NOPE"]}}]})",
       "syscalls[0].includes.caps[0]: unknown capability"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].index: not an argument number 0-5"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]})",
       "syscalls[0].args[0].op: unknown operator"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1})",
       "defaultErrnoRet: not an errno number"},
  };
  for (const auto& [profile, message] : cases) {
    std::string error = CheckSeccompProfile(profile, kDefaultKeptCapabilities);
    EXPECT_NE(error.find(message), std::string::npos) << profile << " -> " << error;
  }
}

// The profile in force in a child: mkdir refused with ENOSYS unless CAP_SYS_ADMIN is kept
// (excludes.caps), everything else allowed.
int MkdirErrnoUnderProfile(uint64_t kept) {
  pid_t child = ::fork();
  if (child == 0) {
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    std::string error = InstallSeccompProfile(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                    "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]})",
                                              kept);
    if (!error.empty()) ::_exit(100);
    ::_exit(::mkdir("/proc/no-such-dir-here", 0700) == 0 ? 0 : errno);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WEXITSTATUS(status);
}

TEST(SeccompProfileTest, InstalledProfileAppliesItsRulesForTheContainersCapabilities) {
  EXPECT_EQ(MkdirErrnoUnderProfile(kDefaultKeptCapabilities), ENOSYS);
  // With CAP_SYS_ADMIN the entry is left out: mkdir reaches the kernel (which refuses /proc).
  EXPECT_NE(MkdirErrnoUnderProfile(kDefaultKeptCapabilities | (uint64_t{1} << CAP_SYS_ADMIN)),
            ENOSYS);
}

}  // namespace
}  // namespace boxcar
