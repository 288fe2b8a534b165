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

}  // namespace boxcar
