// Wall-clock time as the records and events carry it.
#pragma once

#include <time.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace boxcar {

// Nanoseconds since the epoch (CLOCK_REALTIME).
inline int64_t NowUnixNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// Now as RFC 3339 in UTC with nanoseconds ("2026-12-03T09:22:16.123456789Z"), as image
// configs and history entries carry it.
inline std::string Rfc3339NowUtc() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  struct tm utc;
  ::gmtime_r(&now.tv_sec, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char with_nanos[80];
  std::snprintf(with_nanos, sizeof with_nanos, "%s.%09ldZ", text, now.tv_nsec);
  return with_nanos;
}

// Seconds since the epoch of an RFC 3339 time ("2024-01-01T00:00:00Z", fractions and
// "+01:00" offsets too); 0 when `text` is not one.
inline int64_t Rfc3339ToUnixSeconds(const std::string& text) {
  struct tm parts {};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (rest == nullptr) return 0;
  int64_t seconds = static_cast<int64_t>(::timegm(&parts));
  if (*rest == '.') {
    while (*++rest >= '0' && *rest <= '9') {
    }
  }
  int hours = 0, minutes = 0;
  if ((*rest == '+' || *rest == '-') && std::sscanf(rest + 1, "%d:%d", &hours, &minutes) == 2) {
    seconds -= (*rest == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  }
  return seconds;
}

}  // namespace boxcar
