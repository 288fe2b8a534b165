#include "shim/host_devices.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <set>

namespace boxcar {

namespace {

bool Skipped(const std::string& relative, bool is_directory) {
  static const std::set<std::string> kOwnDirectories = {"pts",  "shm",         "fd",   "mqueue",
                                                        ".lxc", ".lxd-mounts", ".udev"};
  // ptmx: the container's is its own devpts instance's.
  return is_directory ? kOwnDirectories.count(relative) != 0
                      : relative == "console" || relative == "ptmx";
}

void Collect(const std::string& relative_dir, std::vector<std::string>* nodes) {
  const std::string dir = "/dev" + (relative_dir.empty() ? "" : "/" + relative_dir);
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) return;
  while (struct dirent* entry = ::readdir(stream)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string relative = relative_dir.empty() ? name : relative_dir + "/" + name;
    struct stat st;
    if (::lstat(("/dev/" + relative).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (!Skipped(relative, true)) Collect(relative, nodes);
    } else if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && !Skipped(relative, false)) {
      nodes->push_back(relative);
    }
  }
  ::closedir(stream);
}

}  // namespace

bool IsStandardDeviceNode(const std::string& relative) {
  static const std::set<std::string> kStandard = {"null",   "zero",    "full",
                                                  "random", "urandom", "tty"};
  return kStandard.count(relative) != 0;
}

std::vector<std::string> HostDeviceNodes() {
  std::vector<std::string> nodes;
  Collect("", &nodes);
  return nodes;
}

Status BindHostDevices(const std::string& dev_dir) {
  for (const std::string& relative : HostDeviceNodes()) {
    const std::string target = dev_dir + "/" + relative;
    struct stat st;
    if (::lstat(target.c_str(), &st) == 0) continue;
    for (size_t slash = relative.find('/'); slash != std::string::npos;
         slash = relative.find('/', slash + 1)) {
      const std::string parent = dev_dir + "/" + relative.substr(0, slash);
      if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
        return ErrnoStatus("mkdir '" + parent + "'");
    }
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus("create '" + target + "'");
    ::close(fd);
    const std::string source = "/dev/" + relative;
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return ErrnoStatus("bind '" + source + "' on '" + target + "'");
  }
  return OkStatus();
}

}  // namespace boxcar
