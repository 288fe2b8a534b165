// The agent's HostResources -> what Nova's resource tracker and placement need of a node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/system.pb.h"

namespace boxcar::nova {

struct NodeResources {
  std::string hypervisor_hostname;
  // Nova's HVType: "docker" is the known type for containers (a type Nova does not know
  // breaks its resource tracking).
  std::string hypervisor_type = "docker";
  // The kernel release as Nova's integer version: 6.1.55 -> 6001055.
  int64_t hypervisor_version = 0;
  std::string architecture;  // Nova's arch name: "x86_64", "aarch64", ...
  std::string cpu_model;
  uint32_t vcpus = 0;
  uint64_t memory_mb = 0;
  uint64_t local_gb = 0;
  uint32_t vcpus_used = 0;            // of the running containers' flavors
  uint64_t memory_mb_used = 0;        // of the running containers' flavors
  uint64_t local_gb_used = 0;         // what the file system has in use
  uint64_t disk_available_least = 0;  // GB free
  double uptime_seconds = 0;
  double load_averages[3] = {0, 0, 0};
};

// `containers` are the agent's (only Nova's count towards *_used).
NodeResources NodeResourcesFor(const v1::InfoResponse& info,
                               const std::vector<v1::Container>& containers);

// "6.1.0-18-amd64" -> 6001000; parts past the third are ignored.
int64_t KernelVersionNumber(const std::string& release);

// "up 3 days, 04:05, load average: 0.50, 1.25, 2.00": the `uptime`-like line Nova's
// os-hypervisors uptime API shows.
std::string UptimeLine(const NodeResources& node);

}  // namespace boxcar::nova
