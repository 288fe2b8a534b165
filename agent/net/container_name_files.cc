#include "net/container_name_files.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "common/atomic_file.h"
#include "common/fd_io.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

bool IsLoopbackNameserver(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1";
}

struct ResolvConfLines {
  std::vector<std::string> nameservers;  // every "nameserver" line's address, in order
  std::vector<std::string> others;       // "search", "domain", "options" lines, as written
};

ResolvConfLines ParseResolvConf(const std::string& text) {
  ResolvConfLines parsed;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword, value;
    words >> keyword >> value;
    if (keyword == "nameserver" && !value.empty()) {
      parsed.nameservers.push_back(value);
    } else if (keyword == "search" || keyword == "domain" || keyword == "options") {
      parsed.others.push_back(line);
    }
  }
  return parsed;
}

std::string Joined(const char* keyword, const std::vector<std::string>& words) {
  std::string line = keyword;
  for (const auto& word : words) line += " " + word;
  return line + "\n";
}

}  // namespace

std::string HostsFileContent(const std::vector<HostsEntry>& entries) {
  std::string content = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  for (const auto& entry : entries) {
    content += entry.ip;
    for (const auto& name : entry.names) content += "\t" + name;
    content += "\n";
  }
  return content;
}

StatusOr<HostsEntry> ParseExtraHost(const std::string& text, const std::string& field) {
  const size_t separator = text.find_first_of(":=");
  if (separator == std::string::npos) {
    return InvalidArgument(field + ": '" + text + "' is not NAME:IP (--add-host)");
  }
  const std::string name = text.substr(0, separator);
  std::string ip = text.substr(separator + 1);
  // Docker's "[::1]" form of an IPv6 address.
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  RETURN_IF_ERROR(CheckResolvConfWord(name, field));
  unsigned char address[sizeof(struct in6_addr)];
  if (::inet_pton(AF_INET, ip.c_str(), address) != 1 &&
      ::inet_pton(AF_INET6, ip.c_str(), address) != 1) {
    return InvalidArgument(field + ": '" + ip + "' in '" + text +
                           "' is not an IPv4 or IPv6 address (--add-host NAME:IP)");
  }
  return HostsEntry{ip, {name}};
}

std::vector<HostsEntry> ExtraHostsOf(const std::vector<std::string>& extra_hosts) {
  std::vector<HostsEntry> entries;
  for (const auto& text : extra_hosts) {
    auto entry = ParseExtraHost(text, "extra_hosts");
    if (entry.ok()) entries.push_back(std::move(*entry));
  }
  return entries;
}

Status CheckResolvConfWord(const std::string& word, const std::string& field) {
  if (word.empty()) return InvalidArgument(field + ": empty");
  if (word.size() > 253) return InvalidArgument(field + ": longer than 253 characters");
  for (char c : word) {
    if (c <= ' ' || c == 0x7f || c == '#' || c == ';') {
      return InvalidArgument(field + ": '" + word +
                             "' holds a blank, control character, '#' or ';'");
    }
  }
  return OkStatus();
}

std::string ReadHostResolvConf(const HostResolvConfPaths& paths) {
  auto host = ReadFileToString(paths.resolv_conf);
  const std::string text = host.ok() ? *host : "";
  const ResolvConfLines parsed = ParseResolvConf(text);
  bool only_loopback = !parsed.nameservers.empty();
  for (const auto& server : parsed.nameservers) only_loopback &= IsLoopbackNameserver(server);
  if (!only_loopback && host.ok()) return text;
  auto upstream = ReadFileToString(paths.systemd_resolved);
  return upstream.ok() ? *upstream : text;
}

ResolvConfContentResult ResolvConfContent(const ResolvConfRequest& request,
                                          const std::string& host_resolv_conf,
                                          bool own_network_namespace) {
  const ResolvConfLines host = ParseResolvConf(host_resolv_conf);
  ResolvConfContentResult result;
  std::vector<std::string> nameservers = request.nameservers;
  if (nameservers.empty()) {
    for (const auto& server : host.nameservers) {
      if (!own_network_namespace || !IsLoopbackNameserver(server)) nameservers.push_back(server);
    }
  }
  if (nameservers.empty() && own_network_namespace) {
    nameservers = {"8.8.8.8", "8.8.4.4"};
    result.used_fallback_nameservers = true;
  }
  for (const auto& server : nameservers) result.content += "nameserver " + server + "\n";
  // The host's search and options lines, each kind unless the request replaces it.
  for (const auto& line : host.others) {
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    const bool search = keyword == "search" || keyword == "domain";
    if (search && !request.search.empty()) continue;
    if (!search && !request.options.empty()) continue;
    result.content += line + "\n";
  }
  if (!request.search.empty()) result.content += Joined("search", request.search);
  if (!request.options.empty()) result.content += Joined("options", request.options);
  return result;
}

Status CreateContainerEtcFiles(const std::string& dir) {
  for (const char* name : kContainerEtcFiles) {
    const std::string path = dir + "/" + name;
    UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file) return ErrnoStatus("create '" + path + "'");
  }
  return OkStatus();
}

Status WriteContainerEtcFile(const std::string& dir, const std::string& name,
                             const std::string& content) {
  const std::string path = dir + "/" + name;
  // NOTE: no O_TRUNC: the container would see an empty file until the write below. O_NOFOLLOW:
  // the directory is the agent's, but a symlink there is never to be written through.
  UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!file) return ErrnoStatus("open '" + path + "' to rewrite it in place");
  RETURN_IF_ERROR(WriteAll(file.get(), content, "'" + path + "'"));
  if (::ftruncate(file.get(), static_cast<off_t>(content.size())) != 0) {
    return ErrnoStatus("truncate '" + path + "' to " + std::to_string(content.size()) + " bytes");
  }
  return OkStatus();
}

}  // namespace boxcar
