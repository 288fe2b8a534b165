#include "cgroups/cgroup_layout.h"

#include <sstream>
#include <vector>

#include "common/atomic_file.h"

namespace boxcar {

namespace {

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

// Controllers in use for resource control (named hierarchies such as name=systemd are not).
const std::set<std::string> kV1Controllers = {"memory", "cpu", "cpuacct", "pids", "freezer",
                                              "blkio", "cpuset", "devices", "hugetlb",
                                              "net_cls", "net_prio", "perf_event", "rdma", "misc"};

}  // namespace

StatusOr<CgroupLayout> CgroupLayout::FromMountInfo(
    std::string_view mountinfo, const std::function<StatusOr<std::string>(const std::string&)>& read_file) {
  CgroupLayout layout;
  std::stringstream lines{std::string(mountinfo)};
  for (std::string line; std::getline(lines, line);) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> [optional...] - <type> <source> <super options>"
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto before = Split(line.substr(0, dash), ' ');
    auto after = Split(line.substr(dash + 3), ' ');
    if (before.size() < 5 || after.size() < 3) continue;
    const std::string& mount_point = before[4];
    const std::string& type = after[0];
    if (type == "cgroup2") {
      if (layout.unified_mount.empty()) layout.unified_mount = mount_point;
    } else if (type == "cgroup") {
      for (const auto& option : Split(after[2], ',')) {
        if (kV1Controllers.count(option) && !layout.v1_mounts.count(option)) layout.v1_mounts[option] = mount_point;
      }
    }
  }
  if (!layout.unified_mount.empty()) {
    auto controllers = read_file(layout.unified_mount + "/cgroup.controllers");
    if (controllers.ok()) {
      std::string text = *controllers;
      for (auto& c : text) {
        if (c == '\n') c = ' ';
      }
      for (const auto& name : Split(text, ' ')) {
        if (!name.empty()) layout.v2_controllers.insert(name);
      }
    }
  }
  if (layout.v1_mounts.empty() && layout.unified_mount.empty()) {
    return FailedPrecondition("no cgroup hierarchy is mounted (see /proc/self/mountinfo)");
  }
  if (layout.v1_mounts.empty()) {
    layout.mode = CgroupMode::kV2;
  } else {
    layout.mode = layout.unified_mount.empty() ? CgroupMode::kV1 : CgroupMode::kHybrid;
  }
  return layout;
}

StatusOr<CgroupLayout> CgroupLayout::Detect() {
  ASSIGN_OR_RETURN(std::string mountinfo, ReadFileToString("/proc/self/mountinfo"));
  return FromMountInfo(mountinfo, [](const std::string& path) { return ReadFileToString(path); });
}

std::string CgroupLayout::ModeName() const {
  switch (mode) {
    case CgroupMode::kV1:
      return "v1";
    case CgroupMode::kV2:
      return "v2";
    case CgroupMode::kHybrid:
      return "hybrid";
  }
  return "unknown";
}

}  // namespace boxcar
