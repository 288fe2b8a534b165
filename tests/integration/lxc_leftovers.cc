#include "lxc_leftovers.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "build_paths.h"
#include "cgroup_mount_points.h"

namespace boxcar::testing {

namespace {

// Every directory below `dir` whose name starts with "lxc." (LXC's monitor, payload and pivot
// cgroups), one per line.
std::string LxcCgroupsBelow(const std::string& dir) {
  std::string found;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return found;
  while (dirent* entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    if (entry->d_type != DT_DIR || name == "." || name == "..") continue;
    if (name.rfind("lxc.", 0) == 0) found += dir + "/" + name + "\n";
    found += LxcCgroupsBelow(dir + "/" + name);
  }
  ::closedir(listing);
  return found;
}

}  // namespace

std::string LxcCgroupsAnywhere() {
  std::string found;
  for (const auto& mount : CgroupMountPoints()) found += LxcCgroupsBelow(mount);
  return found;
}

// Everything below /run/lxc, sorted; "" when it does not exist.
std::string RunLxcListing(const std::string& dir) {
  std::string listing;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return listing;
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  for (const auto& name : names)
    listing += dir + "/" + name + "\n" + RunLxcListing(dir + "/" + name);
  return listing;
}

std::string LxcShimProcesses() {
  std::string found;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    char exe[4096];
    ssize_t n = ::readlink(("/proc/" + pid + "/exe").c_str(), exe, sizeof exe - 1);
    if (n > 0 && std::string(exe, static_cast<size_t>(n)) == BOXCAR_LXC_SHIM_PATH)
      found += "boxcar-lxc-shim or LXC monitor, pid " + pid + "\n";
  }
  ::closedir(proc);
  return found;
}

}  // namespace boxcar::testing
