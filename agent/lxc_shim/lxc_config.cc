#include "lxc_shim/lxc_config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <string_view>

#include "shim/hardening.h"
#include "shim/host_devices.h"

// NOTE: no lxc.cgroup.* keys. The agent creates the container's cgroups <parent>/<id> with
// their limits before the shim starts, and the payload must live directly in them: the agent
// reads the OOM kill counter of <parent>/<id> after the payload has exited, and on cgroup v1
// that counter only counts kills of tasks in that very cgroup (a kill in a child cgroup shows
// in the child's memory.oom_control alone). A cgroup-aware LXC puts the payload into a child
// lxc.payload.<name> and removes it when the payload exits, before the agent could look, so
// OOM kills would go unseen; it also leaves lxc.pivot cgroups at the root of the hierarchies
// the agent does not use, and doubles the start time. The lxc shim therefore hides every
// cgroup mount from liblxc (see lxc_mount_namespace.h) and its monitor joins the agent's
// cgroups before starting the container, so the limits are the agent's, applied once, for
// every backend alike.

namespace boxcar {

namespace {

constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool HasVariable(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
        entry[name.size()] == '=')
      return true;
  }
  return false;
}

// fstab fields are separated by white space; getmntent(3), which LXC uses, reads octal escapes.
std::string FstabField(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
      static constexpr char kOctal[] = "01234567";
      escaped += '\\';
      escaped += kOctal[(c >> 6) & 7];
      escaped += kOctal[(c >> 3) & 7];
      escaped += kOctal[c & 7];
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string Relative(const char* absolute) { return std::string(absolute + 1); }

std::string RlimitValue(uint64_t value) {
  return value == RLIM_INFINITY ? "unlimited" : std::to_string(value);
}

}  // namespace

std::vector<std::string> PayloadEnvironment(const LaunchSpec& spec, const ResolvedUser& user) {
  std::vector<std::string> env = spec.env;
  if (!HasVariable(env, "PATH")) env.push_back(kDefaultPath);
  if (!HasVariable(env, "HOME")) env.push_back("HOME=" + user.home);
  if (!HasVariable(env, "HOSTNAME") && !spec.hostname.empty())
    env.push_back("HOSTNAME=" + spec.hostname);
  return env;
}

std::string PayloadSearchPath(const std::vector<std::string>& environment) {
  for (const auto& entry : environment) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return std::string(kDefaultPath).substr(5);
}

std::vector<LxcConfigItem> LxcConfigItems(const LaunchSpec& spec,
                                          const LxcContainerSettings& settings) {
  std::vector<LxcConfigItem> items = {
      {"lxc.rootfs.path",
       "dir:" + (settings.rootfs_dir.empty() ? spec.rootfs_dir : settings.rootfs_dir)},
      // Never let LXC delete the snapshot: it belongs to the agent.
      {"lxc.rootfs.managed", "0"},
      {"lxc.rootfs.mount", settings.rootfs_mount},
      {"lxc.log.file", settings.log_file},
      {"lxc.log.level", "ERROR"},
      // The payload's stdio are the monitor's: /dev/null and the container's log files.
      {"lxc.console.path", "none"},
      {"lxc.autodev", "1"},
      {"lxc.pty.max", "1024"},
      // privileged: /proc and /sys as the kernel shows them, writable.
      {"lxc.mount.auto", spec.privileged ? "proc:rw sys:rw" : "proc:mixed sys:ro"},
      {"lxc.mount.entry", "shm dev/shm tmpfs nosuid,nodev,noexec,mode=1777,size=" +
                              (spec.shm_size_bytes == 0 ? std::string("65536k")
                                                        : std::to_string(spec.shm_size_bytes)) +
                              ",create=dir 0 0"},
  };
  // --device: the host's node bound in (its type, number, mode and owner with it), also in a
  // user namespace; the agent's device cgroup, which the monitor joined, allows it.
  for (const LaunchDevice& device : spec.devices) {
    items.push_back({"lxc.mount.entry", FstabField(device.host_path) + " " +
                                            FstabField(device.target.substr(1)) +
                                            " none bind,create=file 0 0"});
  }
  if (settings.share_network_namespace) {
    items.push_back({"lxc.net.0.type", "none"});
  } else {
    // A network namespace with only the loopback interface, up.
    items.push_back({"lxc.net.0.type", "empty"});
    items.push_back({"lxc.net.0.flags", "up"});
  }
  // NOTE: LXC makes every namespace a keep list leaves out, the user namespace included (an
  // unmapped one: mkdir then fails EOVERFLOW), so the list names all three we inherit; the
  // shim refuses sysctls unless the network namespace is its own (shared above).
  if (settings.keep_ipc_namespace) items.push_back({"lxc.namespace.keep", "user net ipc"});
  // --pid/--ipc container:NAME or host, --uts host: LXC opens /proc/<pid>/ns/<type> itself.
  // A joined network is the shim's own by now (share_network_namespace).
  for (const JoinedNamespace& joined : spec.joined_namespaces) {
    if (joined.type == "net") continue;
    items.push_back({"lxc.namespace.share." + joined.type,
                     std::to_string(joined.host() ? settings.host_namespaces_pid : joined.pid)});
  }
  if (!spec.hostname.empty() && !FindJoinedNamespace(spec.joined_namespaces, "uts"))
    items.push_back({"lxc.uts.name", spec.hostname});
  if (spec.userns.enabled()) {
    // The rootfs already shows the image's files owned by these ids (idmapped layers).
    items.push_back({"lxc.idmap", "u 0 " + std::to_string(spec.userns.host_uid) + " " +
                                      std::to_string(spec.userns.size)});
    items.push_back({"lxc.idmap", "g 0 " + std::to_string(spec.userns.host_gid) + " " +
                                      std::to_string(spec.userns.size)});
  }

  if (spec.privileged) {
    // The agent's device cgroup allows every device (core/container_devices.cc).
    for (const std::string& node : HostDeviceNodes()) {
      if (IsStandardDeviceNode(node)) continue;  // lxc.autodev makes these itself
      items.push_back({"lxc.mount.entry", FstabField("/dev/" + node) + " " +
                                              FstabField("dev/" + node) +
                                              " none bind,create=file,optional 0 0"});
    }
  }
  // Masks and read-only binds, as chroot's HardenProc(); "optional" skips what this kernel lacks.
  for (const char* path : spec.privileged ? std::span<const char* const>() : MaskedPaths()) {
    struct stat st;
    if (::lstat(path, &st) != 0) continue;
    items.push_back(
        {"lxc.mount.entry",
         S_ISDIR(st.st_mode)
             ? "tmpfs " + Relative(path) + " tmpfs ro,nosuid,nodev,noexec,size=0,optional 0 0"
             : "/dev/null " + Relative(path) + " none bind,optional 0 0"});
  }
  // The source is the container's own /proc, below the rootfs mount LXC is setting up.
  for (const char* path : spec.privileged ? std::span<const char* const>() : ReadOnlyPaths()) {
    items.push_back({"lxc.mount.entry", FstabField(settings.rootfs_mount + path) + " " +
                                            Relative(path) + " none bind,ro,optional 0 0"});
  }
  // By name where the policy names it, else by number (LXC takes both); "none" keeps none.
  std::string kept;
  for (int number = 0; number < 64; ++number) {
    if (!(spec.kept_capabilities & (uint64_t{1} << number))) continue;
    std::string name = std::to_string(number);
    for (const KeptCapability& capability : KeptCapabilities()) {
      if (capability.number == number) name = capability.name;
    }
    kept += (kept.empty() ? "" : " ") + name;
  }
  items.push_back({"lxc.cap.keep", kept.empty() ? "none" : kept});
  // liblxc loads the filter before it drops to the container's user, so it needs no
  // no_new_privs; it is set only when asked for (Docker's default leaves setuid binaries working).
  items.push_back({"lxc.no_new_privs", spec.confinement.no_new_privileges ? "1" : "0"});
  if (!settings.seccomp_profile.empty())
    items.push_back({"lxc.seccomp.profile", settings.seccomp_profile});

  items.push_back({"lxc.init.uid", std::to_string(settings.user.uid)});
  items.push_back({"lxc.init.gid", std::to_string(settings.user.gid)});
  std::string groups;
  for (gid_t gid : settings.user.supplementary_gids)
    groups += (groups.empty() ? "" : ",") + std::to_string(gid);
  if (!groups.empty()) items.push_back({"lxc.init.groups", groups});
  items.push_back({"lxc.init.cwd", settings.working_dir});
  for (const auto& entry : PayloadEnvironment(spec, settings.user))
    items.push_back({"lxc.environment", entry});
  for (const auto& rlimit : spec.rlimits) {
    items.push_back(
        {"lxc.prlimit." + rlimit.name, RlimitValue(rlimit.soft) + ":" + RlimitValue(rlimit.hard)});
  }
  items.push_back({"lxc.proc.oom_score_adj", std::to_string(settings.oom_score_adj)});
  return items;
}

}  // namespace boxcar
