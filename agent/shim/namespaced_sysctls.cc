#include "shim/namespaced_sysctls.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/unique_fd.h"
#include "launch/sysctl_key.h"

namespace boxcar {

Status WriteNamespacedSysctls(const std::vector<std::string>& settings,
                              const std::string& proc_sys_dir) {
  for (const std::string& setting : settings) {
    const SysctlSetting sysctl = SplitSysctlSetting(setting);
    const std::string what = "sysctl " + sysctl.key;
    auto path = SysctlProcPath(sysctl.key);
    if (!path.ok()) return InvalidArgument(what + ": " + path.status().message());
    const std::string file = proc_sys_dir + "/" + *path;
    // O_NOFOLLOW: /proc/sys holds no symlinks; a key is a file there, nothing else.
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return ErrnoStatus(what + ": open '" + file + "'");
    // One write, as sysctl(8): the kernel parses the value at once.
    if (::write(fd.get(), sysctl.value.data(), sysctl.value.size()) !=
        static_cast<ssize_t>(sysctl.value.size())) {
      return ErrnoStatus(what + ": write '" + sysctl.value + "' to '" + file + "'");
    }
  }
  return OkStatus();
}

}  // namespace boxcar
