#include "cgroups/process_cgroups.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "common/atomic_file.h"

namespace boxcar {

namespace {

struct CgroupMount {
  std::string mount_point;
  std::string root;  // the part of the hierarchy mounted there, "/" for all of it
};

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream{std::string(text)};
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

// A v1 mount's super options hold its controllers ("rw,cpu,cpuacct"), or a name for a
// hierarchy without controllers ("name=systemd"), among flags.
bool IsControllerOption(const std::string& option) {
  static const std::set<std::string> kFlags = {
      "rw",           "ro",        "xattr", "noprefix", "clone_children", "cpuset_v2_mode",
      "favordynmods", "nsdelegate"};
  if (option.rfind("name=", 0) == 0) return true;
  return option.find('=') == std::string::npos && kFlags.count(option) == 0;
}

// The same hierarchy is "cpu,cpuacct" in /proc/<pid>/cgroup and "rw,cpu,cpuacct" in mountinfo:
// keyed by its sorted controllers.
std::string HierarchyKey(std::vector<std::string> controllers) {
  std::sort(controllers.begin(), controllers.end());
  std::string key;
  for (const auto& controller : controllers) key += (key.empty() ? "" : ",") + controller;
  return key;
}

// Hierarchy key ("cpu,cpuacct", "name=systemd", "" for cgroup2) -> its first mount.
std::map<std::string, CgroupMount> CgroupMounts(std::string_view mountinfo) {
  std::map<std::string, CgroupMount> mounts;
  for (const std::string& line : Split(mountinfo, '\n')) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream before(line.substr(0, dash)), after(line.substr(dash + 3));
    std::string id, parent, device, root, mount_point, type, source, super_options;
    before >> id >> parent >> device >> root >> mount_point;
    after >> type >> source >> super_options;
    if (type == "cgroup2") {
      mounts.try_emplace("", CgroupMount{mount_point, root});
    } else if (type == "cgroup") {
      std::vector<std::string> controllers;
      for (std::string& option : Split(super_options, ',')) {
        if (IsControllerOption(option)) controllers.push_back(std::move(option));
      }
      mounts.try_emplace(HierarchyKey(std::move(controllers)), CgroupMount{mount_point, root});
    }
  }
  return mounts;
}

// "4:memory:/a/b" lines -> {"memory" -> "/a/b"}.
std::map<std::string, std::string> CgroupPaths(std::string_view cgroups) {
  std::map<std::string, std::string> paths;
  for (const std::string& line : Split(cgroups, '\n')) {
    auto first = line.find(':');
    auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    paths[HierarchyKey(Split(line.substr(first + 1, second - first - 1), ','))] =
        line.substr(second + 1);
  }
  return paths;
}

}  // namespace

std::vector<std::string> CgroupProcsFilesToJoin(std::string_view target_cgroups,
                                                std::string_view own_cgroups,
                                                std::string_view mountinfo) {
  auto mounts = CgroupMounts(mountinfo);
  auto own_paths = CgroupPaths(own_cgroups);
  std::vector<std::string> files;
  for (const auto& [hierarchy, path] : CgroupPaths(target_cgroups)) {
    auto mount = mounts.find(hierarchy);
    if (mount == mounts.end()) continue;
    if (auto own = own_paths.find(hierarchy); own != own_paths.end() && own->second == path)
      continue;
    const std::string& root = mount->second.root;
    std::string relative = path;
    if (root != "/") {
      if (path.compare(0, root.size(), root) != 0) continue;  // outside what is mounted here
      relative = path.substr(root.size());
    }
    if (relative == "/") relative.clear();
    files.push_back(mount->second.mount_point + relative + "/cgroup.procs");
  }
  return files;
}

StatusOr<std::vector<std::string>> CgroupProcsFilesToJoin(pid_t pid) {
  ASSIGN_OR_RETURN(std::string target,
                   ReadFileToString("/proc/" + std::to_string(pid) + "/cgroup"));
  ASSIGN_OR_RETURN(std::string own, ReadFileToString("/proc/self/cgroup"));
  ASSIGN_OR_RETURN(std::string mountinfo, ReadFileToString("/proc/self/mountinfo"));
  return CgroupProcsFilesToJoin(target, own, mountinfo);
}

}  // namespace boxcar
