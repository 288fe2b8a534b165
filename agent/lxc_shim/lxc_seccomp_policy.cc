#include "lxc_shim/lxc_seccomp_policy.h"

#include <cerrno>
#include <span>

#include "shim/hardening.h"

namespace boxcar {

namespace {

// LXC's word for `action` (one of SeccompBasicActions()).
std::string LxcAction(const std::string& name, uint32_t action) {
  if (name == "SCMP_ACT_ERRNO") return "errno " + std::to_string(action & 0xffff);
  if (name == "SCMP_ACT_ALLOW") return "allow";
  if (name == "SCMP_ACT_TRAP") return "trap";
  return "kill";  // SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD
}

const char* OperatorName(scmp_compare op) {
  switch (op) {
    case SCMP_CMP_NE:
      return "SCMP_CMP_NE";
    case SCMP_CMP_LT:
      return "SCMP_CMP_LT";
    case SCMP_CMP_LE:
      return "SCMP_CMP_LE";
    case SCMP_CMP_EQ:
      return "SCMP_CMP_EQ";
    case SCMP_CMP_GE:
      return "SCMP_CMP_GE";
    case SCMP_CMP_GT:
      return "SCMP_CMP_GT";
    case SCMP_CMP_MASKED_EQ:
      return "SCMP_CMP_MASKED_EQ";
    default:
      return "";
  }
}

}  // namespace

std::string LxcSeccompProfile(uint64_t kept_capabilities) {
  std::string profile = "2\ndenylist\n[all]\n";
  for (const DeniedSyscall& syscall : DeniedSyscalls()) {
    if (IsDenied(syscall, kept_capabilities))
      profile += std::string(syscall.name) + " errno " + std::to_string(EPERM) + "\n";
  }
  for (uint64_t flag :
       CloneFlagsDenied(kept_capabilities) ? DeniedCloneFlags() : std::span<const uint64_t>()) {
    std::string value = std::to_string(flag);
    profile += "clone errno " + std::to_string(EPERM) + " [0," + value + ",SCMP_CMP_MASKED_EQ," +
               value + "]\n";
  }
  profile += "clone3 errno " + std::to_string(ENOSYS) + "\n";
  return profile;
}

std::string LxcSeccompPolicyText(const SeccompPolicy& policy) {
  // "denylist" or "allowlist" only choose defaults; both are given here.
  std::string text =
      "2\ndenylist " + LxcAction(policy.default_action_name, policy.default_action) + "\n[all]\n";
  for (const SeccompRule& rule : policy.rules) {
    text += rule.syscall + " " + LxcAction(rule.action_name, rule.action);
    for (const scmp_arg_cmp& arg : rule.args) {
      const bool masked = arg.op == SCMP_CMP_MASKED_EQ;
      text += " [" + std::to_string(arg.arg) + "," +
              std::to_string(masked ? arg.datum_b : arg.datum_a) + "," + OperatorName(arg.op) +
              "," + std::to_string(masked ? arg.datum_a : 0) + "]";
    }
    text += "\n";
  }
  return text;
}

}  // namespace boxcar
