// Reads a multi-image archive — an OCI image layout (as a tar) or a docker-archive (skopeo's
// or `docker save`'s shape) — into the blob store, and says which images it holds.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/blob_store.h"

namespace boxcar {

// One image of an archive: its config blob, its layer blobs lowest first, and the
// references the archive gives it ("RepoTags", or "org.opencontainers.image.ref.name").
struct ArchivedImage {
  std::string config_digest;
  std::vector<std::string> layer_digests;
  std::vector<std::string> references;
};

struct ImageArchive {
  std::vector<ArchivedImage> images;
};

// True when the tar at `path` is an image archive (has manifest.json or index.json) rather
// than a plain rootfs tarball.
bool LooksLikeImageArchive(const std::string& path);

// Stores every file of the archive that an image can refer to as a blob (OCI blobs are
// checked against their names) and resolves the manifests. Errors name the archive member.
// `stored_blobs` receives every blob written, also on failure: the caller deletes those no
// record refers to.
StatusOr<ImageArchive> ReadImageArchive(const std::string& path, BlobStore* blobs,
                                        std::vector<std::string>* stored_blobs);

}  // namespace boxcar
