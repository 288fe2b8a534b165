// A private libvirtd for the tests of the libvirt backend: only its LXC driver loaded, run in
// a mount namespace without the hybrid host's cgroup2 mount (see FACTS.md), its config, pid
// file, sockets and log in a temporary directory. One per test process, started at first use
// and stopped at exit, removing what libvirt leaves under /run/libvirt, /var/log/libvirt and
// in the cgroup tree.
#pragma once

#include <chrono>
#include <string>

namespace boxcar::testing {

class LibvirtdHarness {
 public:
  // The process's libvirtd, started now if need be; failures are gtest failures.
  static LibvirtdHarness& Shared();

  // For boxcard --libvirt-uri.
  std::string uri() const { return "lxc:///system?socket=" + work_dir_ + "/libvirt-sock"; }
  const std::string& work_dir() const { return work_dir_; }
  // A shared mount made before libvirtd started: agents whose --root lies below it mount
  // snapshots that libvirtd's mount namespace (a slave) sees too. On this host "/" is
  // private, so nothing else the agent mounts would reach libvirtd.
  std::string shared_dir() const { return work_dir_ + "/shared"; }
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

  // Kills libvirtd (SIGTERM, or SIGKILL) and starts it again with the same sockets.
  void Stop(bool kill9 = false);
  void Start();

  // Domains named boxcar-* that libvirtd still lists, one per line ("" when none).
  std::string BoxcarDomains() const;
  // What libvirt keeps under /run/libvirt/lxc of domains whose names start with `prefix`,
  // one name per line ("" when nothing).
  static std::string RunStateOf(const std::string& prefix = "boxcar-");
  // The same, polled for up to `timeout` until nothing is left (the agent removes what libvirt
  // leaves once it hears of the domain's end).
  static std::string RunStateLeftAfter(const std::string& prefix,
                                       std::chrono::milliseconds timeout);
  // Removes libvirt's per-domain leftovers of boxcar-* domains (see docs/libvirt.md).
  static void RemoveDomainLeftovers();

  ~LibvirtdHarness();

 private:
  LibvirtdHarness();
  std::string work_dir_;
  int pid_ = 0;
  bool run_libvirt_existed_ = false;
  bool log_libvirt_existed_ = false;
  bool machine_cgroup_existed_ = false;
};

}  // namespace boxcar::testing
