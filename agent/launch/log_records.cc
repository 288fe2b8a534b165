#include "launch/log_records.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace boxcar {

namespace {

struct RecordHeader {
  uint32_t tag;
  uint32_t length;
  int64_t unix_ns;
};
static_assert(sizeof(RecordHeader) == kLogRecordHeaderSize);

// pread of exactly `size` bytes; false when the file ends first (or reading fails).
bool ReadExactly(int fd, void* into, size_t size, off_t offset) {
  char* out = static_cast<char*>(into);
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return true;
}

bool ValidStream(uint32_t tag) {
  return (tag & ~0xffu) == kLogRecordTag &&
         ((tag & 0xffu) == static_cast<uint32_t>(LogRecordStream::kStdout) ||
          (tag & 0xffu) == static_cast<uint32_t>(LogRecordStream::kStderr));
}

}  // namespace

Status AppendLogRecord(int fd, LogRecordStream stream, std::string_view data, int64_t unix_ns) {
  if (data.empty()) return OkStatus();
  RecordHeader header{kLogRecordTag | static_cast<uint32_t>(stream),
                      static_cast<uint32_t>(data.size()), unix_ns};
  uint32_t trailer = header.length;
  struct iovec parts[3] = {{&header, sizeof header},
                           {const_cast<char*>(data.data()), data.size()},
                           {&trailer, sizeof trailer}};
  size_t left = sizeof header + data.size() + sizeof trailer;
  struct iovec* next = parts;
  int count = 3;
  for (;;) {
    ssize_t n = ::writev(fd, next, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("append to the output log");
    left -= static_cast<size_t>(n);
    if (left == 0) return OkStatus();
    // A short write (a full disk): the rest follows, the record stays whole if it can.
    while (static_cast<size_t>(n) >= next->iov_len) {
      n -= static_cast<ssize_t>(next->iov_len);
      ++next;
      --count;
    }
    next->iov_base = static_cast<char*>(next->iov_base) + n;
    next->iov_len -= static_cast<size_t>(n);
  }
}

LogRecordRead ReadLogRecordAt(int fd, off_t offset, LogRecord* record) {
  RecordHeader header;
  if (!ReadExactly(fd, &header, sizeof header, offset)) return LogRecordRead::kIncomplete;
  if (!ValidStream(header.tag) || header.length == 0 || header.length > kMaxLogRecordData) {
    return LogRecordRead::kDamaged;
  }
  record->data.resize(header.length + kLogRecordTrailerSize);
  if (!ReadExactly(fd, record->data.data(), record->data.size(),
                   offset + static_cast<off_t>(sizeof header))) {
    return LogRecordRead::kIncomplete;
  }
  uint32_t trailer;
  std::memcpy(&trailer, record->data.data() + header.length, sizeof trailer);
  if (trailer != header.length) return LogRecordRead::kDamaged;
  record->data.resize(header.length);
  record->stream = static_cast<LogRecordStream>(header.tag & 0xffu);
  record->unix_ns = header.unix_ns;
  record->offset = offset;
  record->end = offset + static_cast<off_t>(sizeof header + header.length + sizeof trailer);
  return LogRecordRead::kRecord;
}

LogRecordRead ReadLogRecordBefore(int fd, off_t end, LogRecord* record) {
  uint32_t length;
  if (end < static_cast<off_t>(kLogRecordHeaderSize + kLogRecordTrailerSize) ||
      !ReadExactly(fd, &length, sizeof length, end - static_cast<off_t>(sizeof length))) {
    return LogRecordRead::kDamaged;
  }
  const off_t size = static_cast<off_t>(kLogRecordHeaderSize + length + kLogRecordTrailerSize);
  if (length == 0 || length > kMaxLogRecordData || size > end) return LogRecordRead::kDamaged;
  LogRecordRead read = ReadLogRecordAt(fd, end - size, record);
  if (read == LogRecordRead::kRecord && record->end != end) return LogRecordRead::kDamaged;
  return read == LogRecordRead::kIncomplete ? LogRecordRead::kDamaged : read;
}

}  // namespace boxcar
