#include "cli/log_times.h"

#include <time.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/go_duration.h"

namespace boxcar::cli {

namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// "1764756000" or "1764756000.5": seconds since the epoch.
std::optional<int64_t> ParseUnixTimeNs(const std::string& text) {
  size_t dot = text.find('.');
  const std::string seconds = text.substr(0, dot);
  const std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (seconds.empty() || seconds.size() > 12 || fraction.size() > 9) return std::nullopt;
  for (char c : seconds + fraction) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int64_t nanos = std::stoll(seconds) * kNanosPerSecond;
  if (!fraction.empty()) nanos += std::stoll(fraction + std::string(9 - fraction.size(), '0'));
  return nanos;
}

// RFC 3339: "2026-12-03T10:00:00Z", "…T10:00:00.5+01:00"; a date alone is midnight UTC.
std::optional<int64_t> ParseRfc3339Ns(const std::string& text) {
  struct tm parts {};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%d", &parts);
  if (rest == nullptr) return std::nullopt;
  if (*rest == 'T') {
    rest = ::strptime(rest + 1, "%H:%M:%S", &parts);
    if (rest == nullptr) return std::nullopt;
  } else if (*rest != '\0') {
    return std::nullopt;
  }
  int64_t nanos = static_cast<int64_t>(::timegm(&parts)) * kNanosPerSecond;
  if (*rest == '.') {
    int64_t scale = kNanosPerSecond / 10;
    while (std::isdigit(static_cast<unsigned char>(*++rest))) {
      nanos += (*rest - '0') * scale;
      scale /= 10;
    }
  }
  int hours = 0, minutes = 0;
  if (*rest == 'Z' && rest[1] == '\0') return nanos;
  if ((*rest == '+' || *rest == '-') && std::sscanf(rest + 1, "%2d:%2d", &hours, &minutes) == 2 &&
      std::string(rest + 1).size() == 5) {
    return nanos - (*rest == '+' ? 1 : -1) * (hours * 3600 + minutes * 60) * kNanosPerSecond;
  }
  if (*rest == '\0') return nanos;  // no zone: UTC
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseLogTime(const std::string& text, int64_t now_unix_ns) {
  if (auto unix_time = ParseUnixTimeNs(text)) return unix_time;
  if (auto rfc3339 = ParseRfc3339Ns(text)) return rfc3339;
  if (auto duration = ParseGoDuration(text)) return now_unix_ns - *duration;
  return std::nullopt;
}

std::string FormatLogTime(int64_t unix_ns) {
  const time_t seconds = static_cast<time_t>(unix_ns / kNanosPerSecond);
  struct tm utc;
  ::gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(unix_ns % kNanosPerSecond));
  return text;
}

std::string LineTimestamps::Stamp(int stream, std::string_view bytes, int64_t unix_ns) {
  const std::string prefix = FormatLogTime(unix_ns) + " ";
  std::string out;
  out.reserve(bytes.size() + prefix.size());
  bool& at_line_start = at_line_start_[stream == 1 ? 1 : 0];
  for (char byte : bytes) {
    if (at_line_start) out += prefix;
    out += byte;
    at_line_start = byte == '\n';
  }
  return out;
}

}  // namespace boxcar::cli
