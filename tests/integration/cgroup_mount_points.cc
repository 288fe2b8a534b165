#include "cgroup_mount_points.h"

#include <fstream>
#include <sstream>

namespace boxcar::testing {

std::vector<std::string> CgroupMountPoints() {
  std::vector<std::string> mounts;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream before(line.substr(0, dash)), after(line.substr(dash + 3));
    std::string field, type;
    for (int i = 0; i < 5; ++i) before >> field;
    after >> type;
    if (type == "cgroup" || type == "cgroup2") mounts.push_back(field);
  }
  return mounts;
}

}  // namespace boxcar::testing
