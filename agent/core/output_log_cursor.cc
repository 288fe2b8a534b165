#include "core/output_log_cursor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "core/container_paths.h"

namespace boxcar {

namespace {

UniqueFd OpenForReading(const std::string& path) {
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
}

// Pieces of a record for --tail: each newline ends one, and bytes after the last newline are
// one more.
uint32_t CountPieces(const std::string& data) {
  auto newlines = static_cast<uint32_t>(std::count(data.begin(), data.end(), '\n'));
  return newlines + (data.back() == '\n' ? 0 : 1);
}

// The offset in `data` just past its `count`-th newline (it has at least that many).
size_t PastNewlines(const std::string& data, uint32_t count) {
  size_t at = 0;
  for (uint32_t i = 0; i < count; ++i) at = data.find('\n', at) + 1;
  return at;
}

// A legacy log: the offset where the last `lines` lines begin (a last line without its
// newline counts); 0 when it has fewer.
off_t StartOfLastLines(int fd, uint32_t lines) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size <= 0) return 0;
  if (lines == 0) return size;
  char chunk[8192];
  uint32_t newlines = 0;
  for (off_t end = size; end > 0;) {
    const off_t begin = end > static_cast<off_t>(sizeof chunk) ? end - sizeof chunk : 0;
    ssize_t n = ::pread(fd, chunk, static_cast<size_t>(end - begin), begin);
    if (n <= 0) return 0;
    for (ssize_t i = n - 1; i >= 0; --i) {
      const off_t offset = begin + i;
      if (chunk[i] != '\n' || offset == size - 1) continue;  // the file's own last newline
      if (++newlines == lines) return offset + 1;
    }
    end = begin;
  }
  return 0;
}

// After a damaged record (a shim killed in the middle of a write, then a new one appending):
// the offset of the next whole record after `offset`, or -1 when none is complete yet. (A torn
// record at the very end reads as incomplete until what is appended covers its length.)
off_t NextRecordAfter(int fd, off_t offset) {
  const char kTagHigh[3] = {0x4f, 0x4c, 0x42};  // kLogRecordTag's upper bytes, in memory order
  char block[64 * 1024];
  for (off_t at = offset + 1;;) {
    ssize_t n = ::pread(fd, block, sizeof block, at);
    if (n < static_cast<ssize_t>(sizeof kTagHigh) + 1) return -1;
    for (ssize_t i = 1; i + 3 <= n; ++i) {
      if (std::memcmp(block + i, kTagHigh, sizeof kTagHigh) != 0) continue;
      LogRecord record;
      if (ReadLogRecordAt(fd, at + i - 1, &record) == LogRecordRead::kRecord) return at + i - 1;
    }
    at += n - 3;
  }
}

}  // namespace

OutputLogCursor::OutputLogCursor(const std::string& state_dir)
    : chain_(state_dir, kOutputLogFile + 1),
      legacy_paths_{state_dir + kStdoutLogFile, state_dir + kStderrLogFile} {
  if (chain_.Exists()) return;
  for (int i = 0; i < 2; ++i) legacy_fds_[i] = OpenForReading(legacy_paths_[i]);
  legacy_ = legacy_fds_[0] || legacy_fds_[1];
}

OutputLogCursor OutputLogCursor::Open(const std::string& state_dir, const OutputLogFilter& filter) {
  OutputLogCursor cursor(state_dir);
  cursor.since_unix_ns_ = filter.since_unix_ns;
  cursor.until_unix_ns_ = filter.until_unix_ns;
  if (cursor.legacy_) {
    if (filter.tail) {
      for (UniqueFd& fd : cursor.legacy_fds_) {
        if (fd) ::lseek(fd.get(), StartOfLastLines(fd.get(), *filter.tail), SEEK_SET);
      }
    }
  } else if (filter.tail || filter.tail_bytes) {
    cursor.PositionAtTail(filter.tail, filter.tail_bytes);
  } else {
    cursor.file_ = cursor.chain_.OpenOldest();
  }
  return cursor;
}

OutputLogCursor OutputLogCursor::AtEnd(const std::string& state_dir) {
  OutputLogCursor cursor(state_dir);
  cursor.file_ = cursor.chain_.OpenNewest();
  if (cursor.file_) cursor.offset_ = ::lseek(cursor.file_.fd.get(), 0, SEEK_END);
  for (UniqueFd& fd : cursor.legacy_fds_) {
    if (fd) ::lseek(fd.get(), 0, SEEK_END);
  }
  return cursor;
}

// Backwards from the end, record by record and file by file, counting the pieces and the
// bytes the filter keeps, until either limit is reached.
void OutputLogCursor::PositionAtTail(std::optional<uint32_t> tail_lines,
                                     std::optional<uint64_t> tail_bytes) {
  uint32_t lines = tail_lines.value_or(UINT32_MAX);
  uint64_t bytes = tail_bytes.value_or(UINT64_MAX);
  std::vector<OutputLogFile> files = chain_.OpenAllNewestFirst();
  if (files.empty()) return;
  // Where reading starts: the end of the newest file, until records are kept.
  auto start_at = [&](size_t index, off_t offset) {
    file_ = std::move(files[index]);
    offset_ = offset;
  };
  const off_t newest_end = std::max<off_t>(::lseek(files[0].fd.get(), 0, SEEK_END), 0);
  size_t start_index = 0;
  off_t start_offset = newest_end;
  LogRecord record;
  for (size_t index = 0; index < files.size() && lines > 0 && bytes > 0; ++index) {
    const int fd = files[index].fd.get();
    off_t end = index == 0 ? newest_end : std::max<off_t>(::lseek(fd, 0, SEEK_END), 0);
    while (end > 0) {
      // Damage (or a record before the since): what follows it is shown.
      if (ReadLogRecordBefore(fd, end, &record) != LogRecordRead::kRecord ||
          (since_unix_ns_ != 0 && record.unix_ns < since_unix_ns_)) {
        return start_at(start_index, start_offset);
      }
      end = record.offset;
      if (until_unix_ns_ != 0 && record.unix_ns > until_unix_ns_) continue;
      start_index = index;
      start_offset = record.offset;
      const uint32_t pieces = CountPieces(record.data);
      if (pieces >= lines || record.data.size() >= bytes) {
        // The later start of the two limits reached here: whichever keeps less.
        const size_t past_lines = pieces >= lines ? PastNewlines(record.data, pieces - lines) : 0;
        const size_t past_bytes = record.data.size() >= bytes ? record.data.size() - bytes : 0;
        skip_in_next_record_ = std::max(past_lines, past_bytes);
        return start_at(start_index, start_offset);
      }
      lines -= pieces;
      bytes -= record.data.size();
    }
    // This whole file is kept: the one before it may hold more.
    start_index = index;
    start_offset = 0;
  }
  start_at(start_index, start_offset);
}

OutputLogCursor::Pass OutputLogCursor::ReadAvailable(const Sink& sink) {
  if (legacy_) return ReadLegacy(sink);
  if (!file_) file_ = chain_.OpenOldest();
  if (!file_) return Pass::kNothingNew;
  return ReadRecords(sink);
}

bool OutputLogCursor::MoveToNextFile() {
  if (!retired_) {
    if (!chain_.IsRetired(file_)) return false;
    retired_ = true;
    return true;  // read once more: records appended before the rename
  }
  OutputLogFile next = chain_.OpenNext(file_);
  if (!next) return false;
  file_ = std::move(next);
  retired_ = false;
  offset_ = 0;
  skip_in_next_record_ = 0;
  return true;
}

OutputLogCursor::Pass OutputLogCursor::ReadRecords(const Sink& sink) {
  Pass pass = Pass::kNothingNew;
  LogRecord record;
  for (;;) {
    LogRecordRead read = ReadLogRecordAt(file_.fd.get(), offset_, &record);
    if (read == LogRecordRead::kDamaged) {
      off_t next = NextRecordAfter(file_.fd.get(), offset_);
      if (next >= 0) {
        offset_ = next;
        skip_in_next_record_ = 0;
        continue;
      }
      // A torn record at the end of a retired file: nothing follows it there.
    }
    if (read != LogRecordRead::kRecord) {
      if (MoveToNextFile()) continue;
      return pass;
    }
    offset_ = record.end;
    const size_t skip = std::exchange(skip_in_next_record_, 0);
    if (since_unix_ns_ != 0 && record.unix_ns < since_unix_ns_) continue;
    if (until_unix_ns_ != 0 && record.unix_ns > until_unix_ns_) return Pass::kPastUntil;
    pass = Pass::kRead;
    std::string_view bytes(record.data);
    if (!sink(record.stream, bytes.substr(skip), record.unix_ns)) return Pass::kStopped;
  }
}

OutputLogCursor::Pass OutputLogCursor::ReadLegacy(const Sink& sink) {
  // Without times: a since excludes all of it, an until none.
  Pass pass = Pass::kNothingNew;
  const LogRecordStream streams[2] = {LogRecordStream::kStdout, LogRecordStream::kStderr};
  std::string buffer(64 * 1024, '\0');
  for (int i = 0; i < 2; ++i) {
    if (!legacy_fds_[i]) legacy_fds_[i] = OpenForReading(legacy_paths_[i]);
    if (!legacy_fds_[i]) continue;
    for (;;) {
      ssize_t n = ::read(legacy_fds_[i].get(), buffer.data(), buffer.size());
      if (n <= 0) break;
      pass = Pass::kRead;
      if (since_unix_ns_ != 0) continue;
      if (!sink(streams[i], std::string_view(buffer.data(), static_cast<size_t>(n)), 0)) {
        return Pass::kStopped;
      }
    }
  }
  return pass;
}

}  // namespace boxcar
