#include "shim/process_setup.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "shim/hardening.h"
#include "shim/seccomp_profile.h"

extern char** environ;

namespace boxcar {

void FailThroughPipe(int error_pipe, int exit_code, const std::string& message) {
  std::string line = std::to_string(exit_code) + " " + message;
  ssize_t ignored = ::write(error_pipe, line.data(), line.size());
  (void)ignored;
  ::_exit(exit_code);
}

std::string SetOomScoreAdj(int value) {
  const std::string text = std::to_string(value);
  int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  bool written =
      fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved_errno = errno;
  if (fd >= 0) ::close(fd);
  if (!written) return "set oom_score_adj " + text + ": " + std::strerror(saved_errno);
  return "";
}

std::string ApplyRlimits(const std::vector<RlimitSetting>& rlimits) {
  for (const auto& setting : rlimits) {
    int resource = RlimitResourceByName(setting.name);
    if (resource < 0) return "unknown rlimit '" + setting.name + "'";
    struct rlimit limit {
      setting.soft, setting.hard
    };
    if (::setrlimit(resource, &limit) != 0)
      return "setrlimit " + setting.name + ": " + std::strerror(errno);
  }
  return "";
}

std::string ResolveContainerUser(const std::string& user_spec,
                                 const std::vector<std::string>& group_add, ResolvedUser* user) {
  std::string error;
  if (!ResolveUser(user_spec, "/etc/passwd", "/etc/group", user, &error)) return error;
  if (!AddExtraGroups(group_add, "/etc/group", user, &error)) return error;
  return "";
}

std::string SwitchToUser(const ResolvedUser& user) {
  if (::setgroups(user.supplementary_gids.size(), user.supplementary_gids.data()) != 0) {
    return std::string("setgroups: ") + std::strerror(errno);
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0)
    return "setgid " + std::to_string(user.gid) + ": " + std::strerror(errno);
  if (::setresuid(user.uid, user.uid, user.uid) != 0)
    return "setuid " + std::to_string(user.uid) + ": " + std::strerror(errno);
  return "";
}

bool HasVariable(const std::vector<std::string>& env, const char* name) {
  size_t length = std::strlen(name);
  for (const auto& entry : env) {
    if (entry.size() > length && entry.compare(0, length, name) == 0 && entry[length] == '=')
      return true;
  }
  return false;
}

std::vector<std::string> WithDefaultVariables(std::vector<std::string> env,
                                              const ResolvedUser& user,
                                              const std::string& hostname) {
  if (!HasVariable(env, "PATH"))
    env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!HasVariable(env, "HOME")) env.push_back("HOME=" + user.home);
  if (!HasVariable(env, "HOSTNAME") && !hostname.empty()) env.push_back("HOSTNAME=" + hostname);
  return env;
}

std::string FindInPath(const std::string& command) {
  if (command.empty() || command.find('/') != std::string::npos) return "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t begin = 0;
  for (;;) {
    size_t end = dirs.find(':', begin);
    std::string dir =
        dirs.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (end == std::string::npos) return "";
    begin = end + 1;
  }
}

std::string InstallConfinementFilter(const ProcessConfinement& confinement,
                                     uint64_t kept_capabilities) {
  if (confinement.seccomp_unconfined) return "";
  if (!confinement.seccomp_profile_json.empty())
    return InstallSeccompProfile(confinement.seccomp_profile_json, kept_capabilities);
  return InstallSeccompFilter(kept_capabilities);
}

std::string FilterBeforeUserSwitch(const ProcessConfinement& confinement,
                                   uint64_t kept_capabilities) {
  if (confinement.no_new_privileges) return "";
  return InstallConfinementFilter(confinement, kept_capabilities);
}

void HardenAndExec(const std::vector<std::string>& argv, std::vector<std::string> env,
                   const ProcessConfinement& confinement, uint64_t kept_capabilities,
                   int error_pipe) {
  // Every descriptor beyond stdio (the error pipe included) closes at exec.
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = argv;
  std::vector<char*> argv_pointers;
  for (auto& arg : argv_storage) argv_pointers.push_back(arg.data());
  argv_pointers.push_back(nullptr);

  if (confinement.no_new_privileges) {
    if (std::string error = SetNoNewPrivileges(); !error.empty())
      FailThroughPipe(error_pipe, kExitSetupFailed, error);
    // Last: from here on only exec is left to do.
    if (std::string error = InstallConfinementFilter(confinement, kept_capabilities);
        !error.empty())
      FailThroughPipe(error_pipe, kExitSetupFailed, error);
  }
  // execvp searches the PATH of `environ`, so the container's environment must be in place.
  environ = envp.data();
  // execvp would try every PATH entry with execve, each miss costing a whole failed exec
  // (~30 us); a lookup finds the one to exec. execvp still runs it (shebang-less scripts)
  // and, when the lookup finds nothing, reports the error as it would.
  const std::string found = FindInPath(argv[0]);
  ::execvp(found.empty() ? argv_pointers[0] : found.c_str(), argv_pointers.data());
  int exec_errno = errno;
  FailThroughPipe(error_pipe, exec_errno == ENOENT ? kExitNotFound : kExitNotExecutable,
                  "exec '" + argv[0] + "': " + std::strerror(exec_errno));
}

}  // namespace boxcar
