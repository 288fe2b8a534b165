// How a Boxcar image sits in Glance: container_format "docker", disk_format "raw", the data a
// docker-archive (or an OCI archive) of the image, and properties that record what it holds
// without downloading it:
//   boxcar_config_digest    "sha256:<hex>" of the config: the Boxcar image id
//   boxcar_manifest_digest  "sha256:<hex>" of the image's manifest
//   boxcar_references       the image's references, comma-separated ("app:1,app:latest")
// Pure functions, unit-tested.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "common/status.h"
#include "glance/glance_image.h"

namespace boxcar {

inline constexpr char kGlanceConfigDigest[] = "boxcar_config_digest";
inline constexpr char kGlanceManifestDigest[] = "boxcar_manifest_digest";
inline constexpr char kGlanceReferences[] = "boxcar_references";

// "glance://ID" -> "ID"; `field` names the request field in errors. An empty id is an error
// when `id_required`.
StatusOr<std::string> GlanceLocationId(const std::string& location, const char* field,
                                       bool id_required);

// OK when `image` can become a Boxcar image: active, container_format docker, disk_format raw.
Status CheckPullable(const glance::GlanceImage& image);

// The boxcar_* properties of `image` (manifest digest as given).
std::map<std::string, std::string> GlancePropertiesOf(const v1::Image& image,
                                                      const std::string& manifest_digest);

// boxcar_references of a Glance image, split; empty when unset. Names under "glance/" are left
// out: the compute driver keeps its cache of Glance images there ("glance/<image id>"), and a
// property of someone's image must not re-point another image's entry.
std::vector<std::string> GlanceReferences(const glance::GlanceImage& image);

// "ALGO:HEX" of the image's data as Glance computed it at upload (os_hash_algo and
// os_hash_value), when the algorithm is one that cannot be forged (SHA-2 or SHA-3); none for
// md5/sha1 or an image without a multihash. What the store records an archive as
// (ImageStore::RecordArchiveDigest).
std::optional<std::string> GlanceArchiveDigest(const glance::GlanceImage& image);

}  // namespace boxcar
