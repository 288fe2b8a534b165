// A container's changes as an OCI layer: the overlay upper directory written as a tar, with
// overlay's whiteouts (0:0 character devices) as ".wh.NAME" and its opaque directories
// (trusted.overlay.opaque="y") as "DIR/.wh..wh..opq". The inverse of layer_unpacker.
#pragma once

#include <string>

#include "common/status.h"
#include "common/user_namespace.h"
#include "store/blob_store.h"

namespace boxcar {

struct WrittenLayer {
  std::string digest;  // of the uncompressed tar: blob digest and diff id at once
  uint64_t size = 0;
  uint64_t entries = 0;
};

// Walks `upper_dir` in name order (the same tree gives the same bytes, mtimes aside) and
// stores the tar as a blob. Owners, modes, times, hard links, symlinks and xattrs other than
// trusted.overlay.* are kept; sockets are skipped. With an enabled `ids` (the container's user
// namespace) owners are written as the container saw them: host_uid + n becomes n, and a host
// id outside the mapping the overflow id 65534.
StatusOr<WrittenLayer> WriteLayerFromDirectory(const std::string& upper_dir, const IdMapping& ids,
                                               BlobStore* blobs);

}  // namespace boxcar
