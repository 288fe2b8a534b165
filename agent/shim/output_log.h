// What a payload writes, into its container's output log (launch/log_records.h): one record per
// read of its stdout or stderr pipe or of its terminal, stamped with the time of the read. The
// shim's only per-chunk work on the run path: a read, a clock_gettime (vDSO), a writev and a
// size comparison; with a size bound, the shim rotates the log (launch/output_log_files.h)
// itself, so a log stays bounded whatever happens to the agent.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/log_records.h"

namespace boxcar {

// How far past its max-size a file may grow to end a line before it is rotated.
inline constexpr uint64_t kOutputLogLineEndSlack = 16 * 1024;

struct OutputLogBound {
  uint64_t max_size_bytes = 0;  // per file; 0: one file that grows without bound
  uint64_t max_files = 1;       // files kept, the one being written included
};

class OutputLogWriter {
 public:
  // Appends to `path` (created 0640); "" keeps nothing (--log-driver none).
  static StatusOr<OutputLogWriter> Open(const std::string& path, OutputLogBound bound);
  OutputLogWriter() = default;
  OutputLogWriter(OutputLogWriter&&) = default;
  OutputLogWriter& operator=(OutputLogWriter&&) = default;

  // One record; first a rotation when the record would take the file past the bound (a file
  // holding nothing yet takes any record, so one larger than the bound still lands whole).
  // The rotation waits for the end of the line in progress, so that every file starts at a
  // line start: while the file ends inside a line, data up to the chunk's first newline stays
  // in it (the rest, if any, goes to the next file), or all of a chunk without a newline, as
  // long as the file stays within max_size_bytes + kOutputLogLineEndSlack; a longer line is
  // cut there. So a file holds at most that (or one record), and a log at most max_files
  // times it; the work per chunk stays one memchr of the chunk, past the bound only.
  Status Append(LogRecordStream stream, std::string_view data, int64_t unix_ns);
  bool keeps_output() const { return static_cast<bool>(file_); }

 private:
  Status Rotate();
  // One record into file_, counted.
  Status Write(LogRecordStream stream, std::string_view data, int64_t unix_ns);

  UniqueFd dir_;  // the log's directory: renames stay right if the shim's root changes
  std::string name_;
  UniqueFd file_;
  OutputLogBound bound_;
  uint64_t size_ = 0;  // of file_, counted: no fstat per record
  bool at_line_start_ = true;  // file_'s last byte of output was a newline (or it has none)
};

// One read of the non-blocking `from`, appended to `log` as a record of `stream` (a log file
// takes what it is given: no back-pressure on the payload). False once `from` is done: EOF,
// EIO (a terminal whose last slave is closed) or another error. `copied`, if given, shows
// what was read (valid until the next call; empty when nothing was).
bool CopyToOutputLog(int from, OutputLogWriter& log, LogRecordStream stream,
                     std::string_view* copied = nullptr);

}  // namespace boxcar
