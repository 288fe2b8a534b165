#include "net/container_name_files.h"

#include <sys/stat.h>

#include <sstream>

#include "common/atomic_file.h"
#include "common/fd_io.h"

namespace boxcar {

std::string HostsFileContent(const std::vector<HostsEntry>& entries) {
  std::string content = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  for (const auto& entry : entries) {
    content += entry.ip;
    for (const auto& name : entry.names) content += "\t" + name;
    content += "\n";
  }
  return content;
}

std::string ResolvConfContent(const std::vector<std::string>& dns,
                              const std::string& host_resolv_conf) {
  std::string content;
  if (!dns.empty()) {
    for (const auto& server : dns) content += "nameserver " + server + "\n";
    return content;
  }
  std::istringstream lines(host_resolv_conf);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword, value;
    words >> keyword >> value;
    if (keyword == "nameserver" && (value.rfind("127.", 0) == 0 || value == "::1")) continue;
    if (keyword == "nameserver" || keyword == "search" || keyword == "options") {
      content += line + "\n";
    }
  }
  return content;
}

Status WriteContainerEtcFile(const std::string& rootfs_dir, const std::string& name,
                             const std::string& content) {
  const std::string etc = rootfs_dir + "/etc";
  struct stat info {};
  if (::lstat(etc.c_str(), &info) != 0) {
    if (errno != ENOENT) return ErrnoStatus("lstat '" + etc + "'");
    if (::mkdir(etc.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus("mkdir '" + etc + "'");
  } else if (!S_ISDIR(info.st_mode)) {
    return FailedPrecondition("'" + etc + "' is not a directory; /etc/" + name + " not written");
  }
  // The rename replaces a symlink named etc/<name> itself instead of following it.
  return WriteFileAtomically(etc + "/" + name, content, 0644, Durability::kProcessCrash);
}

}  // namespace boxcar
