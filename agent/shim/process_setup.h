// The last steps before a container process runs, shared by a container's init and by a
// process exec'd into a running container: rlimits, the seccomp filter (shim/hardening.h),
// the user, the environment, no_new_privs when asked for, and exec. Failures travel as "<exit code>
// <message>" on a close-on-exec error pipe, read by the shim, which turns them into its "error"
// reply.
#pragma once

#include <string>
#include <vector>

#include "launch/launch_spec.h"
#include "shim/user_lookup.h"

namespace boxcar {

inline constexpr int kExitSetupFailed = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

// Writes "<exit_code> <message>" to error_pipe and _exits with exit_code.
[[noreturn]] void FailThroughPipe(int error_pipe, int exit_code, const std::string& message);

// Each returns "" on success or a message naming what failed.
std::string ApplyRlimits(const std::vector<RlimitSetting>& rlimits);
// /proc/self/oom_score_adj = value (lowering it needs CAP_SYS_RESOURCE).
std::string SetOomScoreAdj(int value);
// Resolves `user_spec` in the current root's /etc/passwd and /etc/group, with the extra
// supplementary groups `group_add` (--group-add).
std::string ResolveContainerUser(const std::string& user_spec,
                                 const std::vector<std::string>& group_add, ResolvedUser* user);
// setgroups, setresgid, setresuid.
std::string SwitchToUser(const ResolvedUser& user);

bool HasVariable(const std::vector<std::string>& env, const char* name);
// Adds PATH, HOME (the user's) and HOSTNAME (unless empty) where `env` lacks them.
std::vector<std::string> WithDefaultVariables(std::vector<std::string> env,
                                              const ResolvedUser& user,
                                              const std::string& hostname);

// The regular, executable file `command` names in $PATH (as execvp would run it), or "" when
// there is none or `command` has a slash.
std::string FindInPath(const std::string& command);

// The seccomp filter a container's process gets: none (seccomp_unconfined), the container's
// profile, or the default filter for a container keeping `kept_capabilities`.
std::string InstallConfinementFilter(const ProcessConfinement& confinement,
                                     uint64_t kept_capabilities);
// runc's order: without no_new_privs, installing a filter needs CAP_SYS_ADMIN, so it goes in
// here, just before the switch to the container's user, while the process is still root;
// with no_new_privs it waits for HardenAndExec, as late as possible. "" on success.
std::string FilterBeforeUserSwitch(const ProcessConfinement& confinement,
                                   uint64_t kept_capabilities);

// Marks every descriptor above stdio close-on-exec, then with no_new_privileges sets
// no_new_privs and installs the filter (FilterBeforeUserSwitch did otherwise), and execvp's
// argv with `env` (PATH searched in it). Never returns: an exec failure is reported as 127
// (not found) or 126, a hardening failure as 125.
[[noreturn]] void HardenAndExec(const std::vector<std::string>& argv, std::vector<std::string> env,
                                const ProcessConfinement& confinement, uint64_t kept_capabilities,
                                int error_pipe);

}  // namespace boxcar
