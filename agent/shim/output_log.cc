#include "shim/output_log.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/unix_time.h"
#include "launch/output_log_files.h"

namespace boxcar {

namespace {

constexpr int kLogFileFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
constexpr mode_t kLogFileMode = 0640;

// Once per kind: a full disk would otherwise fill the shim's log with the same line.
void ReportOnce(bool* reported, const Status& status) {
  if (status.ok() || *reported) return;
  *reported = true;
  std::fprintf(stderr, "boxcar-shim: %s\n", status.message().c_str());
}

}  // namespace

StatusOr<OutputLogWriter> OutputLogWriter::Open(const std::string& path, OutputLogBound bound) {
  OutputLogWriter writer;
  if (path.empty()) return writer;
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  writer.name_ = path.substr(slash == std::string::npos ? 0 : slash + 1);
  writer.bound_ = bound;
  if (writer.bound_.max_files == 0) writer.bound_.max_files = 1;
  if (bound.max_size_bytes > 0) {
    writer.dir_.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!writer.dir_) return ErrnoStatus("open the output log's directory '" + dir + "'");
  }
  writer.file_.reset(::open(path.c_str(), kLogFileFlags, kLogFileMode));
  if (!writer.file_) return ErrnoStatus("open the output log '" + path + "'");
  // A restarted container appends to what its last run left.
  struct stat info {};
  if (::fstat(writer.file_.get(), &info) == 0) writer.size_ = static_cast<uint64_t>(info.st_size);
  return writer;
}

Status OutputLogWriter::Append(LogRecordStream stream, std::string_view data, int64_t unix_ns) {
  if (!file_ || data.empty()) return OkStatus();
  const uint64_t record_size = kLogRecordHeaderSize + data.size() + kLogRecordTrailerSize;
  if (bound_.max_size_bytes > 0 && size_ > 0 && size_ + record_size > bound_.max_size_bytes) {
    if (!at_line_start_) {
      // The line in progress ends in this file when its end comes within the slack: the next
      // file then starts a line. Only this chunk is looked at (memchr), never the file.
      const uint64_t hard_cap = bound_.max_size_bytes + kOutputLogLineEndSlack;
      const uint64_t overhead = kLogRecordHeaderSize + kLogRecordTrailerSize;
      const uint64_t room = size_ + overhead < hard_cap ? hard_cap - size_ - overhead : 0;
      const size_t searched = static_cast<size_t>(std::min<uint64_t>(room, data.size()));
      const void* newline = std::memchr(data.data(), '\n', searched);
      if (newline == nullptr && size_ + record_size <= hard_cap) {
        // No end yet, and room for all of it: the line goes on in this file.
        return Write(stream, data, unix_ns);
      }
      if (newline != nullptr) {
        const size_t line_end =
            static_cast<size_t>(static_cast<const char*>(newline) - data.data()) + 1;
        RETURN_IF_ERROR(Write(stream, data.substr(0, line_end), unix_ns));
        data.remove_prefix(line_end);
        if (data.empty()) return OkStatus();  // rotated at the next record
      }
      // Else a line longer than the slack: it is cut here, so that the bound holds.
    }
    static bool reported = false;
    ReportOnce(&reported, Rotate());
  }
  return Write(stream, data, unix_ns);
}

Status OutputLogWriter::Write(LogRecordStream stream, std::string_view data, int64_t unix_ns) {
  size_ += kLogRecordHeaderSize + data.size() + kLogRecordTrailerSize;
  at_line_start_ = data.back() == '\n';
  return AppendLogRecord(file_.get(), stream, data, unix_ns);
}

// The oldest file is unlinked first, then each newer one moves one place on to a free name,
// the file being written last; a new one is opened under its name. No rename replaces a file:
// ext4 writes back the data of a file renamed over another (auto_da_alloc) before the rename
// returns, 2-9 ms for 10 MiB here, which the payload would wait for (its pipe is not read
// meanwhile); the unlink of the dropped file costs ~1 ms.
Status OutputLogWriter::Rotate() {
  const auto max_files = static_cast<uint32_t>(bound_.max_files);
  if (max_files >= 2) {
    const std::string dropped = OutputLogGenerationName(name_, max_files - 1);
    if (::unlinkat(dir_.get(), dropped.c_str(), 0) != 0 && errno != ENOENT) {
      size_ = 0;  // tried again once this file is full again, not at every record
      return ErrnoStatus("rotate the output log: remove '" + dropped + "'");
    }
  }
  for (uint32_t generation = max_files - 1; generation >= 2; --generation) {
    const std::string from = OutputLogGenerationName(name_, generation - 1);
    const std::string to = OutputLogGenerationName(name_, generation);
    if (::renameat(dir_.get(), from.c_str(), dir_.get(), to.c_str()) != 0 && errno != ENOENT) {
      size_ = 0;  // tried again once this file is full again, not at every record
      return ErrnoStatus("rotate the output log: rename '" + from + "' to '" + to + "'");
    }
  }
  const int retired = max_files >= 2 ? ::renameat(dir_.get(), name_.c_str(), dir_.get(),
                                                  OutputLogGenerationName(name_, 1).c_str())
                                     : ::unlinkat(dir_.get(), name_.c_str(), 0);
  if (retired != 0) {
    size_ = 0;
    return ErrnoStatus("rotate the output log '" + name_ + "'");
  }
  // Until the new file opens, records go on into the one just retired: kept, in order.
  size_ = 0;
  at_line_start_ = true;
  UniqueFd next(::openat(dir_.get(), name_.c_str(), kLogFileFlags, kLogFileMode));
  if (!next) return ErrnoStatus("rotate the output log: open a new '" + name_ + "'");
  file_ = std::move(next);
  return OkStatus();
}

bool CopyToOutputLog(int from, OutputLogWriter& log, LogRecordStream stream,
                     std::string_view* copied) {
  // A pipe holds 64 KiB by default: one read takes all of it. The shims are single-threaded.
  static char chunk[64 * 1024];
  if (copied) *copied = {};
  ssize_t n = ::read(from, chunk, sizeof chunk);
  if (n > 0) {
    const std::string_view data(chunk, static_cast<size_t>(n));
    static bool reported = false;
    ReportOnce(&reported, log.Append(stream, data, NowUnixNs()));
    if (copied) *copied = data;
    return true;
  }
  return n < 0 && (errno == EAGAIN || errno == EINTR);
}

}  // namespace boxcar
