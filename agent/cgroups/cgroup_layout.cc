#include "cgroups/cgroup_layout.h"

#include <sstream>
#include <vector>

#include "common/atomic_file.h"

namespace boxcar {

namespace {

constexpr const char* kMountInfoPath = "/proc/self/mountinfo";

// The v1 controllers the kernel knows. Anything else in a cgroup mount's super options is a
// mount option (rw, xattr, nsdelegate, release_agent=...) or a named hierarchy (name=systemd).
const std::set<std::string>& KnownV1Controllers() {
  static const std::set<std::string> kControllers = {
      "blkio",   "cpu",      "cpuacct",    "cpuset", "devices", "freezer", "hugetlb", "memory",
      "net_cls", "net_prio", "perf_event", "pids",   "rdma",    "misc",    "debug"};
  return kControllers;
}

std::vector<std::string> SplitNonEmpty(std::string_view text, std::string_view separators) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// mountinfo escapes space, tab, newline and backslash in paths as \ooo octal.
std::string UnescapeMountPath(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\' && i + 3 < path.size()) {
      const char* digits = path.c_str() + i + 1;
      bool octal = true;
      for (int k = 0; k < 3; ++k) octal = octal && digits[k] >= '0' && digits[k] <= '7';
      if (octal) {
        out +=
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

}  // namespace

StatusOr<CgroupLayout> CgroupLayout::FromMountInfo(
    std::string_view mountinfo,
    const std::function<StatusOr<std::string>(const std::string&)>& read_file) {
  CgroupLayout layout;
  for (const std::string& line : SplitNonEmpty(mountinfo, "\n")) {
    // <id> <parent> <maj:min> <root> <mount point> <options> [optional fields] - <type>
    // <source> <super options>
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> before = SplitNonEmpty(std::string_view(line).substr(0, dash), " ");
    std::vector<std::string> after = SplitNonEmpty(std::string_view(line).substr(dash + 3), " ");
    if (before.size() < 5 || after.empty()) continue;
    const std::string mount_point = UnescapeMountPath(before[4]);
    const std::string& type = after[0];
    if (type == "cgroup2") {
      // The same hierarchy may be visible at several places; the first is the host's own.
      if (layout.unified_mount.empty()) layout.unified_mount = mount_point;
    } else if (type == "cgroup" && after.size() >= 3) {
      for (const std::string& option : SplitNonEmpty(after[2], ",")) {
        if (KnownV1Controllers().count(option) != 0 && layout.v1_mounts.count(option) == 0) {
          layout.v1_mounts[option] = mount_point;
        }
      }
    }
  }

  bool has_v1_resources = layout.v1_mounts.count("memory") != 0 ||
                          layout.v1_mounts.count("cpu") != 0 || layout.v1_mounts.count("pids") != 0;
  if (layout.v1_mounts.empty() && layout.unified_mount.empty()) {
    return FailedPrecondition(std::string("no cgroup controller hierarchy is mounted (read ") +
                              kMountInfoPath + ")");
  }
  if (layout.unified_mount.empty()) {
    layout.mode = CgroupMode::kV1;
  } else if (has_v1_resources) {
    layout.mode = CgroupMode::kHybrid;
  } else {
    // NOTE: a v2 host may still carry a stray v1 mount (net_cls for a VPN, say); without the
    // memory, cpu and pids controllers in v1 the resources are controlled by cgroup2.
    layout.mode = CgroupMode::kV2;
  }

  if (!layout.unified_mount.empty()) {
    std::string controllers_path = layout.unified_mount + "/cgroup.controllers";
    StatusOr<std::string> controllers = read_file(controllers_path);
    if (controllers.ok()) {
      for (const std::string& name : SplitNonEmpty(*controllers, " \n")) {
        layout.v2_controllers.insert(name);
      }
    } else if (layout.mode == CgroupMode::kV2) {
      // On hybrid hosts the cgroup2 mount only tracks processes, so its controllers matter
      // nowhere; on v2 they decide which limits can be applied.
      return controllers.status().Annotate("reading the cgroup2 controllers");
    }
  }
  return layout;
}

StatusOr<CgroupLayout> CgroupLayout::Detect() {
  ASSIGN_OR_RETURN(std::string mountinfo, ReadFileToString(kMountInfoPath));
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
