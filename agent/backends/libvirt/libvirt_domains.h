// The domains the libvirt backend made (or found again after an agent restart), by name: the
// container each runs, which one is each container's current run, and what libvirt 9.0 leaves
// per domain: the files in its state directory (<name>.sock, .dev, .devpts, .fuse under
// /run/libvirt/lxc), and the empty cgroups `machine/lxc-<pid>-<name>.libvirt-lxc` of a domain
// whose init ended while libvirtd was away; removed once the domain has ended.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace boxcar {

class LibvirtDomains {
 public:
  // libvirt's LXC state directory of a libvirtd on this host.
  static constexpr const char* kLocalStateDir = "/run/libvirt/lxc";
  static constexpr const char* kLocalCgroupRoot = "/sys/fs/cgroup";
  // `state_dir`: libvirt's LXC state directory; "" when libvirtd runs elsewhere (nothing is
  // removed then). `cgroup_root`: where the cgroup hierarchies are mounted.
  explicit LibvirtDomains(std::string state_dir, std::string cgroup_root = kLocalCgroupRoot)
      : state_dir_(std::move(state_dir)), cgroup_root_(std::move(cgroup_root)) {}

  // `name` is `base` or `base`-N (a later run's domain name).
  static bool IsRunOf(const std::string& name, const std::string& base);

  // The domain `name` is about to be created for the container: its current run from now on.
  void Creating(const std::string& name, const std::string& container_id);
  // Its UUID, once made.
  void Created(const std::string& name, const std::string& uuid);
  // A running domain of the container, found after an agent restart.
  void Found(const std::string& name, const std::string& uuid, const std::string& container_id);
  // The domain `name` with `uuid` ended ("" for one whose creation failed): forgets it and
  // removes what libvirt left of it. Returns the container whose current run it was. An end
  // of another domain of that name (an earlier run's, reported late) changes nothing.
  std::optional<std::string> Ended(const std::string& name, const std::string& uuid);
  // libvirt no longer lists the domain `name`, which is not believed running: what it left
  // goes (its pid file too, stale then).
  void Dropped(const std::string& name);
  // The container was removed: what libvirt left of its domains named `domain_base` or
  // `domain_base`-N that are not running goes.
  void Release(const std::string& container_id, const std::string& domain_base);
  // The container's current domain and its UUID, if one is believed running.
  std::optional<std::pair<std::string, std::string>> CurrentOf(
      const std::string& container_id) const;
  // The domains believed running, name -> UUID ("" while being created).
  std::map<std::string, std::string> Running() const;

 private:
  // With mutex_ held: `name`'s files in state_dir_ and its empty machine cgroups, unless
  // libvirt still has its pid file (the domain runs, or libvirt is still tearing it down) and
  // `even_with_pid_file` is false.
  void RemoveLeftovers(const std::string& name, bool even_with_pid_file = false);
  void RemoveEmptyMachineCgroups(const std::string& name);

  struct Domain {
    std::string container_id;
    std::string uuid;
  };
  const std::string state_dir_;
  const std::string cgroup_root_;
  mutable std::mutex mutex_;
  std::map<std::string, Domain> running_;       // by domain name
  std::map<std::string, std::string> current_;  // container id -> its current domain's name
};

}  // namespace boxcar
