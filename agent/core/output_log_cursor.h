// Reading a container's output (launch/log_records.h) for `logs` and attach: from its start,
// its current end, its last lines or a time on, and on as the shim appends. Both streams come
// in the one order the shim read them, across the files of a rotated log (oldest kept first,
// core/output_log_chain.h), also while the shim rotates them under a follower. A container last
// started by an agent before output records has stdout.log and stderr.log instead: they are read
// raw, stdout's then stderr's, without times (0), as before.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/unique_fd.h"
#include "core/output_log_chain.h"
#include "launch/log_records.h"

namespace boxcar {

struct OutputLogFilter {
  // Only the last `tail` lines (of both streams together; a piece without its newline at a
  // record's end counts as a line), then what follows.
  std::optional<uint32_t> tail;
  // Only the last `tail_bytes` bytes (the first piece may begin inside a line); with `tail`,
  // whichever keeps less.
  std::optional<uint64_t> tail_bytes;
  // Only output read at or after / at or before these times (ns since the epoch); 0: no bound.
  int64_t since_unix_ns = 0;
  int64_t until_unix_ns = 0;
};

class OutputLogCursor {
 public:
  // Gets each piece of output; false stops the reading (the reader went away).
  using Sink = std::function<bool(LogRecordStream stream, std::string_view bytes, int64_t unix_ns)>;

  // At the first piece `filter` keeps; a log that does not exist yet is read from its start
  // once it does.
  static OutputLogCursor Open(const std::string& state_dir, const OutputLogFilter& filter);
  // At the current end: what the payload writes from now on.
  static OutputLogCursor AtEnd(const std::string& state_dir);

  enum class Pass {
    kNothingNew,  // nothing complete to read yet
    kRead,        // read up to the current end
    kStopped,     // the sink returned false
    kPastUntil,   // reached output after the filter's until: nothing more will be kept
  };
  // Hands the sink everything complete from the position on, and moves past it.
  Pass ReadAvailable(const Sink& sink);

 private:
  explicit OutputLogCursor(const std::string& state_dir);
  void PositionAtTail(std::optional<uint32_t> lines, std::optional<uint64_t> bytes);
  Pass ReadRecords(const Sink& sink);
  // At the end of fd_: on into the next file once the shim has rotated fd_'s away. False
  // while there is nothing to move on to.
  bool MoveToNextFile();
  Pass ReadLegacy(const Sink& sink);

  OutputLogChain chain_;
  std::string legacy_paths_[2];  // stdout.log, stderr.log
  bool legacy_ = false;
  OutputLogFile file_;  // being read
  // file_ was seen retired; read to its end once more before moving on (records appended
  // before the rename).
  bool retired_ = false;
  off_t offset_ = 0;
  size_t skip_in_next_record_ = 0;  // bytes of the record at offset_ before the tail's start
  UniqueFd legacy_fds_[2];
  int64_t since_unix_ns_ = 0;
  int64_t until_unix_ns_ = 0;
};

}  // namespace boxcar
