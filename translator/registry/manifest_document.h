// What the registry must know of a pushed manifest before it stores it: its media type and
// the digests it references (config and layers of an image manifest; the manifests of an
// index or manifest list), so that a manifest naming an absent blob is refused.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::registry {

struct ManifestDocument {
  std::string media_type;
  std::vector<std::string> blob_digests;      // config + layers
  std::vector<std::string> manifest_digests;  // index / manifest list entries
  // For the referrers API: the "subject" digest (empty when none), "artifactType" (else the
  // config's media type of an image manifest) and the "annotations" object as JSON (or "").
  std::string subject_digest;
  std::string artifact_type;
  std::string annotations_json;
};

// kInvalidArgument (MANIFEST_INVALID) for anything but a schema 2 / OCI manifest or index in
// JSON whose digests are all sha256 digests. The media type is the document's own
// "mediaType", else `content_type`.
StatusOr<ManifestDocument> ParseManifest(const std::string& bytes, const std::string& content_type);

bool IsIndexMediaType(const std::string& media_type);

}  // namespace boxcar::registry
