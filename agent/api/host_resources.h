// What the host offers the containers (CPUs, memory, the disk under the agent's root, uptime),
// read from uname, /proc and statvfs each time System.Info asks: a compute driver reports it
// to its scheduler.
#pragma once

#include <string>

#include "boxcar/v1/system.pb.h"
#include "common/status.h"

namespace boxcar {

// `root_dir` is the agent's --root; its file system's size is the disk. Files that cannot be
// read leave their fields at zero; a failed statvfs or uname is an error naming the call.
StatusOr<v1::HostResources> ReadHostResources(const std::string& root_dir);

// The parsers, for tests: "MemTotal:  123 kB" lines, /proc/cpuinfo, /proc/uptime, /proc/loadavg.
void ParseMeminfo(const std::string& meminfo, v1::HostResources* host);
std::string ParseCpuModel(const std::string& cpuinfo);
void ParseUptime(const std::string& uptime, v1::HostResources* host);
void ParseLoadAverage(const std::string& loadavg, v1::HostResources* host);

}  // namespace boxcar
