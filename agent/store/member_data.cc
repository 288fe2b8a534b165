#include "store/member_data.h"

#include <algorithm>

#include "store/archive_error.h"

namespace boxcar {

Status ForEachMemberBlock(archive* reader, const std::string& member, la_int64_t expected_size,
                          bool* stream_ended,
                          const std::function<Status(const void*, size_t, la_int64_t)>& write) {
  const void* block;
  size_t size;
  la_int64_t offset;
  la_int64_t received = 0;
  for (;;) {
    int rc = archive_read_data_block(reader, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return OkStatus();
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      if (received == expected_size) {
        *stream_ended = true;
        return OkStatus();
      }
      return InvalidArgument("member '" + member +
                             "': truncated or corrupt data: " + ArchiveErrorText(reader));
    }
    received = std::max<la_int64_t>(received, offset + static_cast<la_int64_t>(size));
    RETURN_IF_ERROR(write(block, size, offset));
  }
}

}  // namespace boxcar
