// gzip layers decompressed with ISA-L's igzip (isal_inflate) instead of zlib: on this kind of
// machine inflate was a fifth of a pull's CPU, and igzip decodes deflate several times faster
// (its CRC32 runs on PCLMULQDQ). The stream is checked as gunzip checks it: every member's
// CRC32 and size (ISAL_GZIP), a stream cut anywhere is an error. Members follow one another
// (concatenated gzip); bytes after the last member that do not start another one are ignored,
// as libarchive's gzip filter does (tape padding).
//
// A stream igzip refuses before it has produced a byte (a header feature it does not take,
// say a wrong header CRC that zlib-based readers skip) is handed to libarchive from its first
// byte (layer_decompressor.h); after that, deflate is deflate: an error is a corrupt stream.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/layer_decompressor.h"

namespace boxcar {

// `head`: the first bytes of the stream, already taken from `read`.
StatusOr<std::unique_ptr<LayerDecompressor>> OpenIgzipDecompressor(std::string head,
                                                                   const LayerBlockReader& read);

}  // namespace boxcar
