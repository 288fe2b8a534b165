// Unpacks one image layer (a tar stream: plain, gzip, zstd or xz) into a directory with
// libarchive, refusing hostile members and turning OCI whiteouts into overlayfs ones.
//
// Refused (kInvalidArgument naming the member): ".." components; absolute names other than
// "/"; members whose parent directory is a symlink; relative symlinks that climb above the
// layer root (absolute targets are fine: they resolve inside the container at run time);
// hard links with absolute or ".." targets or targets not yet in the layer; whiteouts of "."
// or "..". Dropped silently: block and character devices (including overlay's own 0/0
// whiteout devices, which are not the OCI format), FIFOs and sockets; "trusted.overlay.*"
// xattrs, which would let a layer steer overlayfs; file flags (immutable, append-only), which
// would make the layer impossible to delete.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace boxcar {

struct UnpackLimits {
  uint64_t max_unpacked_bytes = 0;  // 0 = unlimited; beyond it kResourceExhausted
};

struct UnpackedLayer {
  std::string diff_id;  // sha256 of the uncompressed tar stream
  uint64_t unpacked_bytes = 0;
  uint64_t entry_count = 0;
};

// `target_dir` exists and is empty; on error the caller removes it.
StatusOr<UnpackedLayer> UnpackLayer(const std::string& blob_path, const std::string& target_dir,
                                    const UnpackLimits& limits);

}  // namespace boxcar
