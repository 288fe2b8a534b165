// Times of `boxcar logs`, as Docker reads and prints them: --since and --until take an RFC 3339
// time ("2026-12-03T10:00:00Z", fractions and offsets too), a Unix time ("1764756000",
// "1764756000.5") or a duration back from now ("10m", "1h30m", "1.5s"); -t prints each line
// after the time its first bytes were written, RFC 3339 with nanoseconds in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace boxcar::cli {

// Nanoseconds since the epoch of `text`, durations counted back from `now_unix_ns`; nullopt
// when it is none of the forms.
std::optional<int64_t> ParseLogTime(const std::string& text, int64_t now_unix_ns);

// "2026-12-03T10:00:00.123456789Z" (Docker's fixed-width RFC3339Nano).
std::string FormatLogTime(int64_t unix_ns);

// Puts "TIME " before every line of the output, per stream: a line begun in a chunk gets the
// time of that chunk.
class LineTimestamps {
 public:
  // `bytes` of a stream (0 stdout, 1 stderr) read at `unix_ns`, with the times inserted.
  std::string Stamp(int stream, std::string_view bytes, int64_t unix_ns);

 private:
  bool at_line_start_[2] = {true, true};
};

}  // namespace boxcar::cli
