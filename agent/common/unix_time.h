// Wall-clock time as the records and events carry it.
#pragma once

#include <time.h>

#include <cstdint>

namespace boxcar {

// Nanoseconds since the epoch (CLOCK_REALTIME).
inline int64_t NowUnixNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

}  // namespace boxcar
