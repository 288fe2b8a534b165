// Container ids, container names and image references: generation and validation.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

// 64 random lower-case hex characters.
std::string NewContainerId();

// First 12 characters of a 64-hex id (or of the hex part of a digest).
std::string ShortId(std::string_view id_or_digest);

// Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}. `field` names the field in the error.
Status ValidateContainerName(std::string_view name, std::string_view field);

// "adjective_noun"-style names are overkill; generated names are "boxcar-<short id>".
std::string GeneratedContainerName(std::string_view container_id);

// True for 1..64 lower-case hex characters: a candidate id prefix.
bool IsHexPrefix(std::string_view text);

// An image reference "name[:tag]" with the tag defaulted to "latest".
struct ImageReference {
  std::string name;
  std::string tag;
  std::string ToString() const { return name + ":" + tag; }
};

// Validates a reference following the distribution grammar (lower-case path components
// separated by '/', an optional registry host with port, a tag of [\w][\w.-]{0,127}).
// Docker Hub names as Docker shows them: "docker.io/library/busybox" (also index.docker.io,
// registry-1.docker.io) is "busybox", "docker.io/acme/web" is "acme/web"; others unchanged.
std::string NormalizeDockerHubName(const std::string& name);
// Parses name[:tag] (Docker Hub names normalised as above; tag "latest" when absent).
StatusOr<ImageReference> ParseImageReference(std::string_view text, std::string_view field);

}  // namespace boxcar
