// A private Docker Engine for one test: Debian's /usr/bin/containerd and /usr/sbin/dockerd with
// every path in a temporary directory (data root, exec root, pid file, sockets, daemon.json,
// client config), its own containerd (never the host's /run/containerd), the vfs storage
// driver, and no host network changes (no bridge, iptables, forwarding or masquerading).
// Stop() ends both daemons (SIGTERM, then SIGKILL), unmounts what dockerd mounted under its
// directory and removes it.
#pragma once

#include <sys/types.h>

#include <string>

namespace boxcar::testing {

class DockerEngine {
 public:
  DockerEngine();
  ~DockerEngine();  // Stop()
  DockerEngine(const DockerEngine&) = delete;
  DockerEngine& operator=(const DockerEngine&) = delete;

  // Starts containerd, then dockerd, and waits until `docker version` answers; false (see
  // log()) when either does not come up within 30 s.
  bool Start();
  void Stop();

  // "DOCKER_CONFIG=... DOCKER_HOST=... /usr/bin/docker " for a shell command line: the client
  // talks to this engine only and keeps its credentials in the temporary directory.
  std::string client() const;
  const std::string& dir() const { return dir_; }
  std::string config_file() const { return dir_ + "/client/config.json"; }
  pid_t dockerd_pid() const { return dockerd_pid_; }
  pid_t containerd_pid() const { return containerd_pid_; }
  // Both daemons' logs.
  std::string log() const;

 private:
  std::string dir_;
  pid_t containerd_pid_ = 0;
  pid_t dockerd_pid_ = 0;
};

// The host network state a test must not change: link names and flags (`ip -o link`), the
// iptables and nftables rulesets (without counters) and the forwarding sysctls. Compare the
// strings of two calls. (Not /run/netns: other sessions' tests add and remove theirs there;
// dockerd's own namespaces would be mounts under its exec root, see MountsUnder.)
std::string HostNetworkSnapshot();
// Mount points at or under `dir`, one per line ("" when none).
std::string MountsUnder(const std::string& dir);

}  // namespace boxcar::testing
