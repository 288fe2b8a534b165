// An image as Docker's Engine API answers `GET /images/{name}/json` (ImageInspect): Id,
// RepoTags, RepoDigests, Created, Architecture, Os, Size, Config{Env, Cmd, Entrypoint,
// WorkingDir, Labels, ExposedPorts, Volumes, User, StopSignal, Healthcheck}, RootFS{Type,
// Layers}. `boxcar image inspect` prints these keys beside the Image message's own.
// Architecture is the host's (the agent pulls and builds for it; the Image does not record one).
#pragma once

#include <string>

#include "boxcar/v1/images.pb.h"
#include "cli/docker_view.h"

namespace boxcar::cli {

DockerView DockerImageView(const v1::Image& image);

// Docker's name of the host's architecture (GOARCH): "amd64", "arm64", ...
std::string DockerArchitecture();

}  // namespace boxcar::cli
