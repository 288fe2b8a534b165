#include "lxc_shim/lxc_seccomp_policy.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include <algorithm>

#include "launch/launch_spec.h"
#include "shim/hardening.h"

namespace boxcar {
namespace {

TEST(LxcSeccompProfileTest, SameDenylistAsTheChrootFilter) {
  std::string profile = LxcSeccompProfile(kDefaultKeptCapabilities);
  EXPECT_EQ(profile.rfind("2\ndenylist\n[all]\n", 0), 0u) << profile;
  for (const DeniedSyscall& syscall : DeniedSyscalls()) {
    EXPECT_NE(profile.find("\n" + std::string(syscall.name) + " errno 1\n"), std::string::npos)
        << syscall.name;
  }
  // CLONE_NEWUSER: clone(flags & 0x10000000) fails, clone3 reports ENOSYS.
  EXPECT_NE(profile.find("\nclone errno 1 [0,268435456,SCMP_CMP_MASKED_EQ,268435456]\n"),
            std::string::npos);
  EXPECT_NE(profile.find("\nclone3 errno 38\n"), std::string::npos);
  EXPECT_EQ(std::count(profile.begin(), profile.end(), '\n'),
            static_cast<long>(3 + DeniedSyscalls().size() + DeniedCloneFlags().size() + 1));
}

TEST(LxcSeccompProfileTest, AnAddedCapabilityLiftsItsCalls) {
  // SYS_ADMIN: mount and new namespaces; SYS_TIME still off.
  std::string profile =
      LxcSeccompProfile(kDefaultKeptCapabilities | (uint64_t{1} << CAP_SYS_ADMIN));
  EXPECT_EQ(profile.find("\nmount errno"), std::string::npos) << profile;
  EXPECT_EQ(profile.find("\nunshare errno"), std::string::npos) << profile;
  EXPECT_EQ(profile.find("\nclone errno"), std::string::npos) << profile;
  EXPECT_NE(profile.find("\nsettimeofday errno 1\n"), std::string::npos) << profile;
  EXPECT_NE(profile.find("\nkeyctl errno 1\n"), std::string::npos) << "never lifted";
}

// A container's own profile as LXC says it.
std::string PolicyText(const std::string& profile_json, uint64_t kept = kDefaultKeptCapabilities) {
  SeccompPolicy policy;
  const std::string error = ReadSeccompProfile(profile_json, kept, &policy);
  EXPECT_EQ(error, "");
  return LxcSeccompPolicyText(policy);
}

TEST(LxcSeccompPolicyTextTest, DefaultActionRulesAndErrnos) {
  EXPECT_EQ(PolicyText(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
      "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
                   {"names": ["rmdir"], "action": "SCMP_ACT_KILL_THREAD"},
                   {"names": ["chdir"], "action": "SCMP_ACT_TRAP"},
                   {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})"),
            "2\ndenylist errno 38\n[all]\nread allow\nwrite allow\nmkdir errno 1\n"
            "rmdir kill\nchdir trap\n")
      << "a rule repeating the default action is left out";
}

TEST(LxcSeccompPolicyTextTest, ComparisonsKeepDockersMeaning) {
  // Docker's SCMP_CMP_MASKED_EQ: value = mask, valueTwo = datum; LXC's [index,datum,op,mask].
  // Two comparisons of one argument: a rule each (libseccomp takes one per argument).
  EXPECT_EQ(PolicyText(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["clone"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 2080505856, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"},
                {"index": 1, "value": 3, "op": "SCMP_CMP_GE"}]},
      {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
       "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_EQ"},
                {"index": 0, "value": 9, "op": "SCMP_CMP_EQ"}]}]})"),
            "2\ndenylist allow\n[all]\n"
            "clone errno 1 [0,0,SCMP_CMP_MASKED_EQ,2080505856]\n"
            "personality errno 1 [0,8,SCMP_CMP_NE,0] [1,3,SCMP_CMP_GE,0]\n"
            "socket errno 22 [0,16,SCMP_CMP_EQ,0]\nsocket errno 22 [0,9,SCMP_CMP_EQ,0]\n");
}

TEST(LxcSeccompPolicyTextTest, IncludesAndExcludesFollowTheKeptCapabilities) {
  const std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_CHROOT"]}},
      {"names": ["acct"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_PACCT"]}}]})";
  EXPECT_EQ(PolicyText(profile), "2\ndenylist errno 1\n[all]\nchroot allow\n");
  EXPECT_EQ(PolicyText(profile, kDefaultKeptCapabilities | (uint64_t{1} << CAP_SYS_PACCT)),
            "2\ndenylist errno 1\n[all]\nchroot allow\nacct allow\n");
}

TEST(SeccompActionOutsideTest, NamesTheFirstActionLxcLacks) {
  const std::string profile = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["acct"], "action": "SCMP_ACT_LOG", "includes": {"caps": ["CAP_SYS_PACCT"]}},
      {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"}]})";
  EXPECT_EQ(SeccompActionOutside(profile, kDefaultKeptCapabilities, SeccompBasicActions()),
            "syscalls[2].action: SCMP_ACT_KILL_PROCESS")
      << "the LOG entry does not apply without CAP_SYS_PACCT";
  EXPECT_EQ(SeccompActionOutside(R"({"defaultAction": "SCMP_ACT_LOG"})", kDefaultKeptCapabilities,
                                 SeccompBasicActions()),
            "defaultAction: SCMP_ACT_LOG");
  EXPECT_EQ(SeccompActionOutside(R"({"defaultAction": "SCMP_ACT_ERRNO"})", kDefaultKeptCapabilities,
                                 SeccompBasicActions()),
            "");
}

}  // namespace
}  // namespace boxcar
