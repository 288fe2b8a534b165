// Which device nodes a container may open: Docker's default rules, each --device's own, and
// how they are written to a cgroup v1 devices controller (devices.deny "a", then one
// devices.allow line per rule).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// One allow rule, as the devices controller reads it: "c 1:3 rwm", "b *:* m".
struct DeviceRule {
  static constexpr int64_t kAny = -1;  // "*" for a major or minor
  char type = 'c';                     // 'c' character, 'b' block, 'a' all
  int64_t major = kAny;
  int64_t minor = kAny;
  std::string access = "rwm";  // some of r, w, m
};

// Docker's (runc's) defaults: mknod of any node; read, write and mknod of null, zero, full,
// random, urandom, tty, console, ptmx, the pts terminals, tun and fuse.
const std::vector<DeviceRule>& DefaultDeviceRules();

// "c 1:3 rwm".
std::string V1DeviceRuleLine(const DeviceRule& rule);

// Whether `access` is a non-empty combination of r, w and m, each at most once. Inline: the
// CLI tells "HOST:PERMS" from "HOST:CONTAINER" with it, without linking the cgroup code.
inline bool IsDeviceAccess(const std::string& access) {
  if (access.empty() || access.size() > 3) return false;
  for (size_t i = 0; i < access.size(); ++i) {
    if (access[i] != 'r' && access[i] != 'w' && access[i] != 'm') return false;
    if (access.find(access[i], i + 1) != std::string::npos) return false;
  }
  return true;
}

// Denies everything, then allows each rule, in the v1 devices directory `dir`. A cgroup
// whose rules are set has no child cgroup yet, as the kernel requires for the deny-all.
Status WriteV1DeviceRules(const std::string& dir, const std::vector<DeviceRule>& rules);

}  // namespace boxcar
