// The files that name things inside a container: /etc/hosts (localhost, itself and every
// other container on its networks, rewritten when one comes or goes), /etc/resolv.conf (the
// host's resolvers or the spec's) and /etc/hostname. They live in the container's state
// directory and are bind-mounted over the image's files (core/container_etc_files.h), so
// they never land in its writable layer; updates are written into the same inode.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace boxcar {

// The three files, by name, in the directory that holds them and below /etc inside.
inline constexpr const char* kHostsFile = "hosts";
inline constexpr const char* kResolvConfFile = "resolv.conf";
inline constexpr const char* kHostnameFile = "hostname";
inline constexpr const char* kContainerEtcFiles[] = {kHostsFile, kResolvConfFile, kHostnameFile};

struct HostsEntry {
  std::string ip;
  std::vector<std::string> names;
};

// The content of /etc/hosts: loopback lines, then `entries`.
std::string HostsFileContent(const std::vector<HostsEntry>& entries);

// An --add-host "NAME:IP" (or "NAME=IP"; the IP v4 or v6): INVALID_ARGUMENT naming `field`
// when the name is empty or holds blanks, or the IP is none.
StatusOr<HostsEntry> ParseExtraHost(const std::string& text, const std::string& field);
// The spec's extra hosts that parse (they were checked at Create).
std::vector<HostsEntry> ExtraHostsOf(const std::vector<std::string>& extra_hosts);
// A --dns-search domain or --dns-option: one word, no blanks (INVALID_ARGUMENT naming `field`).
Status CheckResolvConfWord(const std::string& word, const std::string& field);

// Where the host's resolvers are read from. With systemd-resolved, /etc/resolv.conf names
// only its stub (127.0.0.53), useless inside a network namespace: the upstream servers it
// uses are in `systemd_resolved`.
struct HostResolvConfPaths {
  std::string resolv_conf = "/etc/resolv.conf";
  std::string systemd_resolved = "/run/systemd/resolve/resolv.conf";
};

// The host's resolv.conf as containers should start from: `paths.resolv_conf`, or
// `paths.systemd_resolved` when the first names loopback resolvers only and the second can
// be read (as Docker). "" when neither can be read.
std::string ReadHostResolvConf(const HostResolvConfPaths& paths);

// What a container asks for (--dns, --dns-search, --dns-option); empty: the host's.
struct ResolvConfRequest {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
  std::vector<std::string> options;
};

struct ResolvConfContentResult {
  std::string content;
  // No nameserver was left (none given, the host's all loopback): Google's public ones were
  // written instead, as Docker does; worth a warning that names --dns.
  bool used_fallback_nameservers = false;
};

// The content of /etc/resolv.conf. `own_network_namespace`: the host's loopback resolvers
// are dropped (they do not answer there), and an empty list falls back to 8.8.8.8 and
// 8.8.4.4; false (--network host): the host's lines are kept as they are. The request's
// nameservers, search domains and options each replace the host's of that kind; the
// host's others are kept.
ResolvConfContentResult ResolvConfContent(const ResolvConfRequest& request,
                                          const std::string& host_resolv_conf,
                                          bool own_network_namespace);

// Creates `dir`/<name> for each of kContainerEtcFiles that is missing (empty, 0644); what is
// there is kept (a running container may have it mounted).
Status CreateContainerEtcFiles(const std::string& dir);

// Writes `content` into `dir`/<name> in place: the file may be bind-mounted into a running
// container, which would keep seeing the old inode after a rename. The new bytes go over the
// old ones first and the file is cut to their length after, so a reader never finds it empty
// (at worst, during the write, a mix of old and new lines; Docker truncates first). A symlink
// there is refused, never followed.
Status WriteContainerEtcFile(const std::string& dir, const std::string& name,
                             const std::string& content);

}  // namespace boxcar
