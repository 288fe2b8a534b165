#include "shim/process_setup.h"

#include <grp.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "shim/hardening.h"

extern char** environ;

namespace boxcar {

void FailThroughPipe(int error_pipe, int exit_code, const std::string& message) {
  std::string line = std::to_string(exit_code) + " " + message;
  ssize_t ignored = ::write(error_pipe, line.data(), line.size());
  (void)ignored;
  ::_exit(exit_code);
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

std::string ResolveContainerUser(const std::string& user_spec, ResolvedUser* user) {
  std::string error;
  if (!ResolveUser(user_spec, "/etc/passwd", "/etc/group", user, &error)) return error;
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

void HardenAndExec(const std::vector<std::string>& argv, std::vector<std::string> env,
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

  if (std::string error = SetNoNewPrivileges(); !error.empty())
    FailThroughPipe(error_pipe, kExitSetupFailed, error);
  // Last: from here on only exec is left to do.
  if (std::string error = InstallSeccompFilter(); !error.empty())
    FailThroughPipe(error_pipe, kExitSetupFailed, error);
  // execvp searches the PATH of `environ`, so the container's environment must be in place.
  environ = envp.data();
  ::execvp(argv_pointers[0], argv_pointers.data());
  int exec_errno = errno;
  FailThroughPipe(error_pipe, exec_errno == ENOENT ? kExitNotFound : kExitNotExecutable,
                  "exec '" + argv[0] + "': " + std::strerror(exec_errno));
}

}  // namespace boxcar
