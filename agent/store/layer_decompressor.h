// The decompressed bytes of a layer blob, block by block, whatever its compression. gzip, the
// compression of nearly every registry layer, goes through ISA-L's igzip (igzip_decompressor.h:
// several times zlib's speed on stored and Huffman blocks alike, and its CRC32 uses
// PCLMULQDQ); zstd, xz, bzip2, uncompressed blobs, and a gzip stream igzip refuses before its
// first byte of output, through libarchive's filters as before.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace boxcar {

// Where a layer's bytes come from: the next block, valid until the next call (size 0 at the
// end); false on a read error.
using LayerBlockReader = std::function<bool(const void** block, size_t* size)>;

class LayerDecompressor {
 public:
  virtual ~LayerDecompressor() = default;
  // The next block of the decompressed stream, valid until the next call; size 0 at the end.
  // False on a corrupt or truncated stream or a read error (ErrorText says which).
  virtual bool Next(const void** block, size_t* size) = 0;
  // Whether NextInto works now: a caller that keeps blocks (background_decompressor.h) then
  // has them written into its own buffers instead of copying each one.
  virtual bool writes_into_buffers() const { return false; }
  // Next, written into `buffer` (up to `capacity` bytes; `*size` 0 at the end). Only while
  // writes_into_buffers().
  virtual bool NextInto(char* /*buffer*/, size_t /*capacity*/, size_t* size) {
    *size = 0;
    return false;
  }
  virtual std::string ErrorText() const = 0;
  // False when the blob is not compressed: its bytes are the tar stream itself.
  virtual bool compressed() const = 0;
  // Which decoder runs ("igzip", "libarchive"): for logs and tests.
  virtual const char* name() const = 0;
};

// Reads the first bytes of `read` to tell the compression. `read` must outlive the result.
// kInvalidArgument when libarchive knows no format for the bytes.
StatusOr<std::unique_ptr<LayerDecompressor>> OpenLayerDecompressor(const LayerBlockReader& read);

// libarchive's filters (gzip, zstd, xz, bzip2, none) over `head` (bytes already taken from
// `read`), then the rest of `read`.
StatusOr<std::unique_ptr<LayerDecompressor>> OpenLibarchiveDecompressor(
    std::string head, const LayerBlockReader& read);

}  // namespace boxcar
