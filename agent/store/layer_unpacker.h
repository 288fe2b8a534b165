// Unpacks one image layer (a tar stream: plain, gzip, zstd or xz; layer_decompressor.h) into a
// directory with libarchive, refusing hostile members and turning OCI whiteouts into overlayfs
// ones.
//
// Names: a leading "./" is stripped; "/", "." and "./" (the layer root) are skipped; missing
// parent directories are created 0755. Later members replace earlier ones of the same name,
// including a directory tree (tar semantics).
//
// Refused (kInvalidArgument naming the member): ".." components; absolute names other than
// "/"; members whose parent directory is a symlink; relative symlinks that climb above the
// layer root (absolute targets are fine: they resolve inside the container at run time);
// hard links with absolute or ".." targets, targets not yet in the layer, or directories;
// whiteouts of "." or "..".
//
// Whiteouts: "dir/.wh.NAME" becomes a 0:0 character device at dir/NAME (replacing what is
// there); "dir/.wh..wh..opq" sets trusted.overlay.opaque="y" on dir. Both may come before
// their directory. Other ".wh..wh." names (aufs bookkeeping) are skipped.
//
// Dropped silently: block and character devices (including 0:0 ones, overlay's own whiteout
// format, which a layer must express as ".wh." names), FIFOs and sockets; the data of a hard
// link (pax allows it; Docker ignores it too); "trusted.overlay.*" xattrs, which would let a
// layer steer overlayfs; file flags (immutable, append-only), which would make the layer
// impossible to delete. Kept: numeric owners, modes including setuid, mtimes, xattrs, ACLs,
// hard links and symlinks.
//
// The work runs on a short-lived thread with its own working directory and umask
// (unshare(CLONE_FS)), so it is safe to call from a multi-threaded process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "store/layer_decompressor.h"  // LayerBlockReader

namespace boxcar {

// Decompression bombs: a layer whose regular files add up to more than max_unpacked_bytes
// (checked at each member's header, before its data is read), or whose decompressed tar
// stream passes twice that plus 1 MiB (headers alone: millions of empty files, huge pax
// headers), is refused with kResourceExhausted as soon as it crosses the line.
struct UnpackLimits {
  uint64_t max_unpacked_bytes = 0;  // 0 = unlimited
};

// A layer unpacked into a directory of its own, not yet recorded in the store.
struct UnpackedLayerDirectory {
  std::string dir;
  std::string diff_id;
  std::string blob_digest;
  uint64_t blob_size = 0;
  uint64_t unpacked_bytes = 0;
};

struct UnpackedLayer {
  std::string diff_id;          // "sha256:<hex>" of the uncompressed tar stream
  uint64_t unpacked_bytes = 0;  // sum of the regular files' sizes
  uint64_t entry_count = 0;     // members read, including skipped and dropped ones
};

// An unpack's refusal of a stream that is no tar at all (rather than a tar with a bad member).
bool IsNotTarArchive(const Status& status);
// The reason libarchive gave for it ("Unrecognized archive format").
std::string NotTarArchiveReason(const Status& status);

// `target_dir` exists and is empty; on error (the message names the member and the reason)
// the caller removes it. A missing blob is kNotFound, a corrupt or truncated one
// kInvalidArgument, exceeding the limit kResourceExhausted.
// `blob_digest`, when given, is the digest of the file at `blob_path`, verified when it was
// stored: an uncompressed layer's diff id is then that digest, and the stream is not hashed a
// second time.
StatusOr<UnpackedLayer> UnpackLayer(const std::string& blob_path, const std::string& target_dir,
                                    const UnpackLimits& limits,
                                    const std::string& blob_digest = "");

// The same for a layer read as it arrives: `read` hands over the blocks of an archive member
// while it is stored as a blob (see early_layer_unpacks.h); `name` names it in errors. An
// uncompressed layer's diff id is its blob digest, known only once the blob is stored:
// `blob_digest_at_end` is asked after the last byte and returns it, or "" when the blob was
// not stored (kFailedPrecondition).
StatusOr<UnpackedLayer> UnpackLayerStream(const std::string& name, const LayerBlockReader& read,
                                          const std::string& target_dir, const UnpackLimits& limits,
                                          const std::function<std::string()>& blob_digest_at_end);
// The same, read from `source_fd` (a pipe, a socket, a file) until its end.
StatusOr<UnpackedLayer> UnpackLayerStream(const std::string& name, int source_fd,
                                          const std::string& target_dir, const UnpackLimits& limits,
                                          const std::function<std::string()>& blob_digest_at_end);

}  // namespace boxcar
