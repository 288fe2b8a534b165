// The files that name things inside a networked container: /etc/hosts (localhost, itself and
// every other container on its network, rewritten when one comes or goes), /etc/resolv.conf
// (the host's resolvers or the spec's) and /etc/hostname, written into its mounted rootfs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct HostsEntry {
  std::string ip;
  std::vector<std::string> names;
};

// The content of /etc/hosts: loopback lines, then `entries`.
std::string HostsFileContent(const std::vector<HostsEntry>& entries);
// The content of /etc/resolv.conf: `dns` servers, or the host's (loopback ones dropped: they
// do not answer inside a network namespace) read from `host_resolv_conf`.
std::string ResolvConfContent(const std::vector<std::string>& dns,
                              const std::string& host_resolv_conf);

// Writes `content` as rootfs_dir/etc/<name>, replacing it atomically. The rootfs is the
// container's: an etc that is not a real directory (a symlink could point anywhere on the
// host) is refused.
Status WriteContainerEtcFile(const std::string& rootfs_dir, const std::string& name,
                             const std::string& content);

}  // namespace boxcar
