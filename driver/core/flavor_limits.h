// A flavor and its quota:* extra specs -> the container's cgroup limits. What cgroups can do
// is mapped; what they cannot (relative CPU shares, IOPS, VIF bandwidth) is refused, naming
// the extra spec, so a flavor never silently promises more than the container gets.
#pragma once

#include <cstdint>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/system.pb.h"
#include "common/status.h"
#include "core/driver_options.h"
#include "core/nova_types.h"

namespace boxcar::nova {

// What the host has (System.Info's HostResources) and where disk throttles go.
struct HostCapacity {
  uint32_t cpus = 0;
  uint64_t memory_bytes = 0;
  uint64_t disk_bytes = 0;
  // Whole-disk block device holding the agent's root ([boxcar] throttle_device); empty: the
  // quota:disk_* extra specs are refused.
  std::string throttle_device;
  // [boxcar] pids_limit: the pids limit of flavors without boxcar:pids_limit (0 = none).
  uint64_t pids_limit = 0;
};

// The host as System.Info reports it, with the driver's throttle device and pids limit.
HostCapacity HostCapacityFor(const v1::InfoResponse& info, const DriverOptions& options);

// The flavor extra spec that sets the most processes (and threads) of a container.
inline constexpr char kPidsLimitSpec[] = "boxcar:pids_limit";

// memory_mb -> memory_bytes; vcpus -> cpu_millis (at most the host's CPUs: more cannot be
// used anyway, and Nova may overcommit vCPUs); quota:cpu_quota / quota:cpu_period -> cpu_millis
// instead (a quota <= 0 means unlimited, as with libvirt); quota:disk_read_bytes_sec and
// quota:disk_write_bytes_sec -> a bandwidth limit on the throttle device; boxcar:pids_limit
// (else the host's pids_limit) -> pids_max, so a fork bomb stays inside its container
// (0 = no limit).
// A flavor larger than the host (memory or root disk) is kResourceExhausted; unsupported or
// malformed quota:* specs are kInvalidArgument / kUnimplemented naming the key.
StatusOr<v1::ResourceLimits> LimitsForFlavor(const FlavorRequest& flavor, const HostCapacity& host);

}  // namespace boxcar::nova
