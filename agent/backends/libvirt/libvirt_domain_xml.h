// The libvirt LXC domain XML of one Boxcar container.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

// Where the agent's files appear inside the domain before boxcar-shim pivots away from them:
// on libvirt's own /dev tmpfs, so nothing is written into the container's rootfs.
inline constexpr const char* kLibvirtShimDirInside = "/dev/.boxcar/bin";
inline constexpr const char* kLibvirtStateDirInside = "/dev/.boxcar/state";
// The snapshot, as boxcar-shim's rootfs: it pivots into this bind as it does for chroot
// containers. The domain's own "/" is not the snapshot (see LibvirtDomainSpec::domain_root_dir).
inline constexpr const char* kLibvirtRootfsDirInside = "/dev/.boxcar/rootfs";
// The sources of the container's bind mounts (volumes, host paths), <n> for the n-th.
inline constexpr const char* kLibvirtVolumesDirInside = "/dev/.boxcar/volumes";
inline constexpr const char* kLibvirtControlSocketName = "control.sock";
// The namespace of Boxcar's <metadata> element.
inline constexpr const char* kLibvirtMetadataUri = "https://boxcar.dev/xmlns/libvirt/1";

// A host directory the domain sees at `target_dir`.
struct LibvirtBind {
  std::string source_dir;
  std::string target_dir;
};

struct LibvirtDomainSpec {
  std::string name;           // boxcar-<short id>
  std::string container_id;   // recorded in <metadata>
  std::string agent_root;     // the agent's --root, also in <metadata>
  // The domain's "/": an empty directory of the agent's, shared by its domains. NOTE: libvirt's
  // LXC driver makes `.oldroot` in the source of "/" when it pivots (lxcContainerPivotRoot),
  // and mount points for /proc, /sys and /dev after it; with the snapshot as "/" they would
  // land in the container's writable layer (`boxcar diff`, `commit`).
  std::string domain_root_dir;
  std::string rootfs_dir;     // the mounted overlay snapshot, at kLibvirtRootfsDirInside
  std::string shim_dir;       // host directory holding boxcar-shim
  std::string state_dir;      // the container's state directory (logs, exit record, socket)
  uint64_t memory_bytes = 0;  // 0: unlimited (the domain gets the host's memory)
  uint64_t host_memory_bytes = 0;
  uint32_t cpu_millis = 0;
  // Docker's finer knobs, mirrored as the limits above (<memtune>, <blkiotune>, <cputune>);
  // 0: none. Swap as ResourceLimits.memory_swap_bytes (only a positive one is written).
  uint64_t memory_reservation_bytes = 0;
  int64_t memory_swap_bytes = 0;
  uint32_t blkio_weight = 0;
  uint64_t cpu_period_us = 0;
  int64_t cpu_quota_us = 0;
  // --network host: no <privnet/>, so the domain (and the shim's "host" namespace) is
  // libvirtd's network namespace.
  bool host_network = false;
  // The container's bounding set (LaunchSpec::kept_capabilities): the shim narrows to it, but
  // what libvirt's default policy drops first must be turned on in the XML.
  uint64_t kept_capabilities = kDefaultKeptCapabilities;
  std::vector<LibvirtBind> binds;  // the sources of the container's bind mounts
  // --privileged: host device nodes (absolute paths) that libvirt makes in the domain's /dev
  // and lets through its device cgroup, for the shim to bind into the container's /dev.
  std::vector<std::string> host_char_devices;
  std::vector<std::string> host_block_devices;
};

// <domain type='lxc'>: init = boxcar-shim --control-socket, <privnet/>, a pty console (libvirt
// LXC requires one; the payload's output goes to Boxcar's log files instead), limits mirrored
// into <memory> and <cputune>, the container id in <metadata>.
std::string LibvirtDomainXml(const LibvirtDomainSpec& spec);

// The container id and agent root recorded by LibvirtDomainXml in a domain's metadata
// element (virDomainGetMetadata's text); kNotFound when it is not Boxcar's.
struct LibvirtDomainOwner {
  std::string container_id;
  std::string agent_root;
};
StatusOr<LibvirtDomainOwner> ParseLibvirtMetadata(const std::string& metadata_xml);
// The same from a whole domain's XML (virDomainGetXMLDesc), which libvirt gives in every state
// (virDomainGetMetadata has none for a transient domain that is shut off).
StatusOr<LibvirtDomainOwner> ParseLibvirtDomainOwner(const std::string& domain_xml);

// Text escaped for XML attributes and element content.
std::string XmlEscape(const std::string& text);

}  // namespace boxcar
