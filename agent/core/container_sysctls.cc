#include "core/container_sysctls.h"

#include <map>

#include "launch/sysctl_key.h"

namespace boxcar {

namespace {

// Docker's list (its linux validation of HostConfig.Sysctls): the IPC namespace's parameters
// by name, the message queues' and the network namespace's by prefix.
constexpr const char* kIpcSysctls[] = {
    "kernel/msgmax", "kernel/msgmnb", "kernel/msgmni", "kernel/sem",
    "kernel/shmall", "kernel/shmmax", "kernel/shmmni", "kernel/shm_rmid_forced",
};

bool IsNetworkSysctl(const std::string& path) { return path.rfind("net/", 0) == 0; }

bool IsNamespaced(const std::string& path) {
  for (const char* name : kIpcSysctls) {
    if (path == name) return true;
  }
  return path.rfind("fs/mqueue/", 0) == 0 || IsNetworkSysctl(path);
}

std::string Field(const std::string& key) { return "spec.sysctls[" + key + "]"; }

}  // namespace

Status ValidateSysctlsAndShmSize(const v1::ContainerSpec& spec) {
  // In key order, so that the error is the same whatever order the map has.
  const std::map<std::string, std::string> sysctls(spec.sysctls().begin(), spec.sysctls().end());
  for (const auto& [key, value] : sysctls) {
    auto path = SysctlProcPath(key);
    if (!path.ok()) return InvalidArgument(Field(key) + ": " + path.status().message());
    if (!IsNamespaced(*path)) {
      return InvalidArgument(
          Field(key) +
          ": not namespaced (it would change the host's kernel); allowed are kernel.msgmax, "
          "kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax, "
          "kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.* and net.*");
    }
    if (key.find_first_of(std::string("= \t\n\0", 5)) != std::string::npos) {
      return InvalidArgument(Field(key) + ": a key has no '=', white space or NUL");
    }
    if (value.empty()) return InvalidArgument(Field(key) + ": the value is empty");
    if (value.find_first_of(std::string("\n\0", 2)) != std::string::npos) {
      return InvalidArgument(Field(key) + ": the value has a line break or a NUL");
    }
  }
  if (spec.shm_size_bytes() != 0 && spec.shm_size_bytes() < 4096) {
    return InvalidArgument("spec.shm_size_bytes: " + std::to_string(spec.shm_size_bytes()) +
                           " bytes is less than a page (4096); 0 gives the default, 64 MiB");
  }
  return OkStatus();
}

Status RefuseNetSysctlsOnHostNetwork(const v1::ContainerSpec& spec) {
  const std::map<std::string, std::string> sysctls(spec.sysctls().begin(), spec.sysctls().end());
  for (const auto& [key, value] : sysctls) {
    auto path = SysctlProcPath(key);
    if (path.ok() && IsNetworkSysctl(*path)) {
      return InvalidArgument(Field(key) +
                             ": the container shares the host's network namespace (--network "
                             "host), so this would change the host's; use a network of its own");
    }
  }
  return OkStatus();
}

Status RefuseSysctlsOfSharedNamespaces(const v1::ContainerSpec& spec, bool shared_network,
                                       bool shared_ipc) {
  const std::map<std::string, std::string> sysctls(spec.sysctls().begin(), spec.sysctls().end());
  for (const auto& [key, value] : sysctls) {
    auto path = SysctlProcPath(key);
    if (!path.ok()) continue;  // ValidateSysctlsAndShmSize says so
    const bool network = IsNetworkSysctl(*path);
    if (network && shared_network) {
      return InvalidArgument(Field(key) +
                             ": the container shares the network namespace of another "
                             "container (spec.network.mode container:), so this would change "
                             "that one's; set it there");
    }
    if (!network && shared_ipc) {
      return InvalidArgument(Field(key) +
                             ": the container shares another IPC namespace (spec.ipc_mode), so "
                             "this would change that one's; set it there");
    }
  }
  return OkStatus();
}

std::vector<std::string> SysctlLaunchSettings(const v1::ContainerSpec& spec) {
  const std::map<std::string, std::string> sysctls(spec.sysctls().begin(), spec.sysctls().end());
  std::vector<std::string> settings;
  for (const auto& [key, value] : sysctls) settings.push_back(key + "=" + value);
  return settings;
}

}  // namespace boxcar
