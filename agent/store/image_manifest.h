// The OCI image manifest Boxcar states for a stored image: config and layer blobs as stored,
// layer media types from the blobs' compression. Deterministic, so the manifest digest (the
// image's "repo digest", what `name@sha256:...` and registries name) is stable.
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "common/status.h"
#include "store/blob_store.h"

namespace boxcar {

inline constexpr const char* kOciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciConfigMediaType = "application/vnd.oci.image.config.v1+json";

struct ImageManifest {
  std::string json;
  std::string digest;  // sha256 of json
  uint64_t size = 0;
};

// OCI layer media type of a blob by its first bytes: tar, tar+gzip or tar+zstd.
StatusOr<std::string> LayerMediaType(const BlobStore& blobs, const std::string& digest);

StatusOr<ImageManifest> BuildImageManifest(const BlobStore& blobs, const v1::Image& image);

// The same with the layers stated by the caller (an export that writes them another way,
// e.g. uncompressed): one per image layer, in order.
struct ManifestLayer {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
};
inline constexpr const char* kOciLayerTarMediaType = "application/vnd.oci.image.layer.v1.tar";
StatusOr<ImageManifest> BuildImageManifest(const BlobStore& blobs, const v1::Image& image,
                                           const std::vector<ManifestLayer>& layers);

}  // namespace boxcar
