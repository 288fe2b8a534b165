// A container's own seccomp profile, in Docker's JSON format (moby's profiles/seccomp,
// containers/common's seccomp.json), as `--security-opt seccomp=FILE` gives it: the agent
// checks it at Create, the shim compiles it with libseccomp and installs it in place of the
// default filter (shim/hardening.h).
//
// Read: defaultAction, defaultErrnoRet, architectures, archMap (the entry of this machine's
// architecture and its subArchitectures), syscalls[] with names (or name), action, errnoRet,
// args[] (index, value, valueTwo, op) and includes/excludes (caps, arches, minKernel), which
// select the entries that apply to a container, as Docker does. comment fields are ignored.
// Actions: SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_PROCESS, _KILL_THREAD, _TRAP, _TRACE, _LOG
// (SCMP_ACT_NOTIFY needs a listener Boxcar does not run: refused).
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace boxcar {

// "" when `profile_json` is a profile libseccomp compiles for a container keeping
// `kept_capabilities`; otherwise what is wrong, naming the place: "syscalls[3].action:
// unknown action 'SCMP_ACT_FOO'", "syscalls[0].names[2]: unknown system call 'opne'".
std::string CheckSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities);

// One rule of a profile that applies to a container: `action` (libseccomp's) on `syscall`
// when every comparison of `args` holds (libseccomp's one per argument: a profile entry with
// two on the same argument is split into rules of one each, as runc does).
struct SeccompRule {
  std::string where;        // "syscalls[3]"
  std::string action_name;  // "SCMP_ACT_ERRNO"
  uint32_t action = 0;
  std::string syscall;
  std::vector<scmp_arg_cmp> args;
};

// What a profile asks for a container keeping some capabilities: its default action and the
// rules of the entries its includes/excludes select, in the profile's order; rules whose action
// is the default are left out (they change nothing). Architectures are libseccomp's concern.
struct SeccompPolicy {
  std::string default_action_name;
  uint32_t default_action = 0;
  std::vector<SeccompRule> rules;
};

// As CheckSeccompProfile, and on success fills `policy`.
std::string ReadSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities,
                               SeccompPolicy* policy);

// SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_THREAD, _TRAP: what every seccomp policy language has
// (LXC's lacks SCMP_ACT_LOG, _TRACE and _KILL_PROCESS).
const std::set<std::string>& SeccompBasicActions();

// "" when `profile_json` (a profile CheckSeccompProfile accepts) uses no action outside
// `actions` ("SCMP_ACT_ALLOW", ...) for a container keeping `kept_capabilities`; otherwise
// the first place that does: "syscalls[2].action: SCMP_ACT_LOG".
std::string SeccompActionOutside(const std::string& profile_json, uint64_t kept_capabilities,
                                 const std::set<std::string>& actions);

// Compiles and loads the profile into the calling process (its threads stay unfiltered: the
// shim's child is single-threaded). Does not set no_new_privs: without it, the caller must
// hold CAP_SYS_ADMIN.
std::string InstallSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities);

}  // namespace boxcar
