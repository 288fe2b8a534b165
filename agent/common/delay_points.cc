#include "common/delay_points.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace boxcar {

namespace {

struct ArmedDelay {
  std::string point;
  int milliseconds = 0;
};

ArmedDelay ReadArmedDelay() {
  ArmedDelay armed;
  const char* value = std::getenv("BOXCAR_DELAY_AT");
  if (value == nullptr) return armed;
  std::string text = value;
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return armed;
  armed.point = text.substr(0, colon);
  armed.milliseconds = std::atoi(text.c_str() + colon + 1);
  return armed;
}

}  // namespace

void DelayPoint(const char* name) {
  static const ArmedDelay armed = ReadArmedDelay();
  if (armed.milliseconds > 0 && armed.point == name)
    std::this_thread::sleep_for(std::chrono::milliseconds(armed.milliseconds));
}

}  // namespace boxcar
