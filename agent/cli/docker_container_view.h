// A container as Docker's Engine API answers `GET /containers/{id}/json` (ContainerInspect):
// Id, Created, Path, Args, State{...}, Image, Name, RestartCount, Driver, Platform,
// HostConfig{...}, Config{...}, NetworkSettings{...}, Mounts[...], with Docker's types and units
// (Memory in bytes, NanoCpus, times in RFC 3339, null where Docker prints null) and the knobs
// Boxcar has. `boxcar inspect` prints these keys beside the Container message's own.
//
// MemorySwap is spec.limits.memory_swap_bytes (Create fills in Docker's default, twice -m); a
// record made before that default, 0 with a memory limit, had no swap: Memory. Where Boxcar
// differs on purpose: NetworkSettings.IPAddress/Gateway/MacAddress/IPPrefixLen are the container's
// address on whatever network it is on (Docker fills them on its default bridge only), and
// NetworkID is the network's name (Boxcar's networks have no other id).
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
struct DockerContainerSources {
  std::optional<v1::Image> image;
  std::map<std::string, std::string> volume_mountpoints;
};

DockerView DockerContainerView(const v1::Container& container,
                               const DockerContainerSources& sources = {});

}  // namespace boxcar::cli
