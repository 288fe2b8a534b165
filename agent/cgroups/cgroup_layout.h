// Which cgroup hierarchies this host has: v1 controllers, a cgroup2 mount, or both (hybrid).
// Detected from /proc/self/mountinfo at start-up, never assumed.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

enum class CgroupMode { kV1, kV2, kHybrid };

struct CgroupLayout {
  CgroupMode mode = CgroupMode::kV2;
  // Controller name -> mount point; a "cpu,cpuacct" mount maps both. Named hierarchies
  // (name=systemd) control no resource and are left out.
  std::map<std::string, std::string> v1_mounts;
  std::string unified_mount;             // cgroup2 mount point, empty if none
  std::set<std::string> v2_controllers;  // from <unified_mount>/cgroup.controllers

  // Reads /proc/self/mountinfo and the cgroup2 root's cgroup.controllers.
  static StatusOr<CgroupLayout> Detect();
  // Parses a mountinfo text; `read_file` reads cgroup files such as cgroup.controllers (a
  // seam for tests).
  static StatusOr<CgroupLayout> FromMountInfo(
      std::string_view mountinfo,
      const std::function<StatusOr<std::string>(const std::string&)>& read_file);
  // "v1", "v2" or "hybrid".
  std::string ModeName() const;
};

}  // namespace boxcar
