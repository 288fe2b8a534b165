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

#include <cstdint>
#include <string>

namespace boxcar {

// "" when `profile_json` is a profile libseccomp compiles for a container keeping
// `kept_capabilities`; otherwise what is wrong, naming the place: "syscalls[3].action:
// unknown action 'SCMP_ACT_FOO'", "syscalls[0].names[2]: unknown system call 'opne'".
std::string CheckSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities);

// Compiles and loads the profile into the calling process (its threads stay unfiltered: the
// shim's child is single-threaded). Does not set no_new_privs: without it, the caller must
// hold CAP_SYS_ADMIN.
std::string InstallSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities);

}  // namespace boxcar
