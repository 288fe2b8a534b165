// A container as Docker's Engine API answers `GET /containers/{id}/json` (ContainerInspect):
// Id, Created, Path, Args, State{...}, Image, Name, RestartCount, Driver, Platform,
// HostConfig{...}, Config{...}, NetworkSettings{...}, Mounts[...], with Docker's types and units
// (Memory in bytes, NanoCpus, times in RFC 3339, null where Docker prints null) and the knobs
// Boxcar has. `boxcar inspect` prints these keys beside the Container message's own.
//
// ResolvConfPath, HostnamePath, HostsPath and LogPath are the files in its state directory
// (Inspect's resolv_conf_path...: "" until the first start writes them), GraphDriver the
// overlay directories Start mounts (Inspect's storage: Name "overlay2", Data {LowerDir topmost
// first, MergedDir, UpperDir, WorkDir}), MountLabel and ProcessLabel "" (no SELinux).
// MemorySwap is spec.limits.memory_swap_bytes (Create fills in Docker's default, twice -m); a
// record made before that default, 0 with a memory limit, had no swap: Memory.
// NetworkSettings: cli/docker_network_settings.h.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/images.pb.h"
#include "cli/docker_view.h"

namespace boxcar::cli {

// What the Container message does not say and Docker prints: its image's config (Entrypoint
// and Cmd apart, the image's labels, exposed ports and volumes), and where its named volumes
// are on the host (Mounts[].Source). Without them those keys hold what the container knows.
// With `inspect --size`: its writable layer's bytes (Docker's SizeRw) and those with its
// image's (SizeRootFs), which Docker prints only then.
struct DockerContainerSources {
  std::optional<v1::Image> image;
  std::map<std::string, std::string> volume_mountpoints;
  std::optional<int64_t> size_rw_bytes;
  std::optional<int64_t> size_root_fs_bytes;
};

DockerView DockerContainerView(const v1::Container& container,
                               const DockerContainerSources& sources = {});

}  // namespace boxcar::cli
