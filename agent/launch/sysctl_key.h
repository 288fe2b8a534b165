// A kernel parameter's key as Docker and sysctl(8) take it, and the file under /proc/sys that
// holds it: "net.ipv4.ip_forward" and "net/ipv4/ip_forward" both name net/ipv4/ip_forward.
// Shared by the agent (which checks the key) and the shims (which write the value).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// The path below /proc/sys. sysctl(8)'s rule: when the first separator is '/', slashes
// separate and dots are part of names ("net/ipv4/conf/eth0.100/forwarding"); otherwise dots
// separate and a slash stands for a dot in a name ("net.ipv4.conf.eth0/100.forwarding").
// INVALID_ARGUMENT for an empty key or name, "." or "..".
StatusOr<std::string> SysctlProcPath(const std::string& key);

// "KEY=VALUE" as the launch spec carries it: the key up to the first '='.
struct SysctlSetting {
  std::string key;
  std::string value;
};
SysctlSetting SplitSysctlSetting(const std::string& setting);

}  // namespace boxcar
