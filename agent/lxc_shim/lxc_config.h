// One container's LXC configuration, as the key/value items liblxc's set_config_item takes,
// built from its LaunchSpec (the seccomp policy they name: lxc_seccomp_policy.h). The hardening
// policy (kept capabilities, masked and read-only paths, denied system calls) comes from
// shim/hardening.h, so containers of the lxc and chroot backends are confined alike.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "launch/launch_spec.h"
#include "shim/user_lookup.h"

namespace boxcar {

// What the shim settled before building the configuration.
struct LxcContainerSettings {
  std::string rootfs_dir;       // lxc.rootfs.path (dir:); spec.rootfs_dir when empty
  std::string rootfs_mount;     // lxc.rootfs.mount: where LXC binds the rootfs before pivot_root
  std::string log_file;         // lxc.log.file
  // lxc.seccomp.profile: a file holding LxcSeccompProfile() or the container's own profile
  // (LxcSeccompPolicyText()); empty: no filter (seccomp_unconfined).
  std::string seccomp_profile;
  ResolvedUser user;            // spec.user, resolved in the image's /etc/passwd and /etc/group
  std::string working_dir;      // absolute; exists in the rootfs
  int oom_score_adj = 0;        // the payload's (the shim and LXC's monitor keep -1000)
  // The container runs in the shim's network namespace (lxc.net.0.type=none): the one the
  // shim made and the agent plugged interfaces into, or the host's for --network host.
  // Otherwise LXC makes one with only lo (type empty).
  bool share_network_namespace = false;
  // The container runs in the shim's IPC namespace (lxc.namespace.keep): one the shim made and
  // wrote the container's sysctls into. Otherwise LXC makes one. Needs
  // share_network_namespace and no user namespace.
  bool keep_ipc_namespace = false;
  // A process in the host's namespaces (the shim), for spec.joined_namespaces of the host's:
  // lxc.namespace.share.* takes a pid.
  pid_t host_namespaces_pid = 0;
};

using LxcConfigItem = std::pair<std::string, std::string>;

// Every item, in the order they are to be set. No lxc.cgroup.* item: see lxc_config.cc.
std::vector<LxcConfigItem> LxcConfigItems(const LaunchSpec& spec,
                                          const LxcContainerSettings& settings);

// spec.env plus the defaults the chroot shim also adds: PATH, HOME (the user's) and HOSTNAME.
std::vector<std::string> PayloadEnvironment(const LaunchSpec& spec, const ResolvedUser& user);

// The PATH that PayloadEnvironment() gives the payload.
std::string PayloadSearchPath(const std::vector<std::string>& environment);

}  // namespace boxcar
