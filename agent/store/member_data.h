// The data blocks of the tar member libarchive is at, handed to a writer with their offsets.
#pragma once

#include <archive.h>

#include <functional>
#include <string>

#include "common/status.h"

namespace boxcar {

// Calls `write(block, size, offset)` for each data block of the current member. `stream_ended`
// is set when the stream stops right after the member's data, without the padding to 512 bytes
// and the end-of-archive blocks: umoci 0.4 writes small layers that way, and such a layer is
// whole. A short or corrupt member is kInvalidArgument naming `member`.
Status ForEachMemberBlock(archive* reader, const std::string& member, la_int64_t expected_size,
                          bool* stream_ended,
                          const std::function<Status(const void*, size_t, la_int64_t)>& write);

}  // namespace boxcar
