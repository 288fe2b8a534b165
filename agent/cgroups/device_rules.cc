#include "cgroups/device_rules.h"

#include <fcntl.h>
#include <unistd.h>

#include "cgroups/cgroup_files.h"
#include "common/unique_fd.h"

namespace boxcar {

const std::vector<DeviceRule>& DefaultDeviceRules() {
  using R = DeviceRule;
  static const std::vector<DeviceRule> kRules = {
      R{'c', R::kAny, R::kAny, "m"},  // mknod of any character node
      R{'b', R::kAny, R::kAny, "m"},  // and of any block node
      R{'c', 1, 3, "rwm"},            // null
      R{'c', 1, 5, "rwm"},            // zero
      R{'c', 1, 7, "rwm"},            // full
      R{'c', 1, 8, "rwm"},            // random
      R{'c', 1, 9, "rwm"},            // urandom
      R{'c', 5, 0, "rwm"},            // tty
      R{'c', 5, 1, "rwm"},            // console
      R{'c', 5, 2, "rwm"},            // ptmx
      R{'c', 136, R::kAny, "rwm"},    // pts/*
      R{'c', 10, 200, "rwm"},         // net/tun
      R{'c', 10, 229, "rwm"},         // fuse
  };
  return kRules;
}

std::string V1DeviceRuleLine(const DeviceRule& rule) {
  auto number = [](int64_t value) {
    return value == DeviceRule::kAny ? std::string("*") : std::to_string(value);
  };
  if (rule.type == 'a') return "a";
  return std::string(1, rule.type) + " " + number(rule.major) + ":" + number(rule.minor) + " " +
         rule.access;
}

Status WriteV1DeviceRules(const std::string& dir, const std::vector<DeviceRule>& rules) {
  RETURN_IF_ERROR(WriteCgroupFile(dir + "/devices.deny", "a"));
  // One open, one write(2) per rule: the kernel takes a single rule per write.
  const std::string allow_file = dir + "/devices.allow";
  UniqueFd allow(::open(allow_file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!allow) return ErrnoStatus("open '" + allow_file + "'");
  for (const DeviceRule& rule : rules) {
    const std::string line = V1DeviceRuleLine(rule);
    ssize_t written = ::write(allow.get(), line.data(), line.size());
    if (written != static_cast<ssize_t>(line.size())) {
      return ErrnoStatus("write '" + line + "' to '" + allow_file + "'", written < 0 ? errno : EIO);
    }
  }
  return OkStatus();
}

}  // namespace boxcar
