// The manifests a registry serves, as a pull needs them: a manifest list / OCI index resolved
// to one platform's manifest, and an image manifest (Docker schema 2 or OCI) read into its
// config and layer descriptors, checked for what the store can take.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

inline constexpr const char* kManifestAcceptHeader =
    "Accept: application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
};

// "os/arch[/variant]"; "linux/amd64" when empty. `field` names the request field.
struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
  std::string ToString() const;
};
StatusOr<Platform> ParsePlatform(const std::string& text, const std::string& field);

// True when `media_type` (a Content-Type, or the body's mediaType) is a list or index.
bool IsManifestIndex(const std::string& media_type, const std::string& body);

// The manifest of `platform` in an index. Without an exact variant match, an entry without
// a variant (or, for arm64, "v8") is taken. kNotFound lists the platforms the index has.
StatusOr<Descriptor> SelectPlatformManifest(const std::string& index_json,
                                            const Platform& platform);

struct ImageManifestBlobs {
  Descriptor config;
  std::vector<Descriptor> layers;
};

// Refuses schema 1, encrypted or foreign layers, malformed digests and sizes.
StatusOr<ImageManifestBlobs> ParseImageManifestBlobs(const std::string& manifest_json);

}  // namespace boxcar
