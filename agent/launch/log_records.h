// A container's output log (containers/<id>/output.log): both streams of its payload in the one
// order the shim read them, each chunk a record that says which stream and when. The shim
// appends (shim/stdio_relay.cc); the agent reads forwards (logs,
// attach, --since) and backwards (--tail). As Docker's json-file driver, minus the JSON: a
// chunk costs one writev and 20 bytes.
//
//   header  16 bytes: uint32 tag (kLogRecordTag | stream), uint32 length, int64 unix_ns
//   data    `length` bytes, as read from the payload's pipe or terminal
//   trailer uint32 length again, so that the record before an offset can be found
//
// Integers in host byte order: the file never leaves the host that wrote it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

enum class LogRecordStream : uint8_t { kStdout = 1, kStderr = 2 };

inline constexpr uint32_t kLogRecordTag = 0x424c4f00;  // "\0OLB" in memory: stream in low byte
inline constexpr size_t kLogRecordHeaderSize = 16;
inline constexpr size_t kLogRecordTrailerSize = 4;
// A writer never makes larger records (one read of a pipe or terminal); a reader takes a larger
// length for damage.
inline constexpr uint32_t kMaxLogRecordData = 1 << 20;

struct LogRecord {
  LogRecordStream stream = LogRecordStream::kStdout;
  int64_t unix_ns = 0;
  std::string data;
  off_t offset = 0;  // of its header
  off_t end = 0;     // just past its trailer: the next record's offset
};

// Appends one record (O_APPEND fd: one writev, so a reader never sees records interleave).
// Empty data writes nothing.
Status AppendLogRecord(int fd, LogRecordStream stream, std::string_view data, int64_t unix_ns);

enum class LogRecordRead {
  kRecord,      // `record` is filled
  kIncomplete,  // the file ends at or inside the record: nothing yet, or a write in progress
  kDamaged,     // not a record (a torn write after a crash, or not an output log)
};

// The record at `offset`.
LogRecordRead ReadLogRecordAt(int fd, off_t offset, LogRecord* record);
// The record that ends at `end` (> 0).
LogRecordRead ReadLogRecordBefore(int fd, off_t end, LogRecord* record);

}  // namespace boxcar
