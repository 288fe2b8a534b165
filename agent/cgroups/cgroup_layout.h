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
  std::map<std::string, std::string> v1_mounts;  // controller -> mount point
  std::string unified_mount;                     // cgroup2 mount point, empty if none
  std::set<std::string> v2_controllers;          // <unified_mount>/cgroup.controllers

  static StatusOr<CgroupLayout> Detect();
  // `read_file` reads cgroup files such as cgroup.controllers (a seam for tests).
  static StatusOr<CgroupLayout> FromMountInfo(
      std::string_view mountinfo, const std::function<StatusOr<std::string>(const std::string&)>& read_file);
  std::string ModeName() const;
};

}  // namespace boxcar
