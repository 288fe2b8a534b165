#include "common/go_duration.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace boxcar {

std::optional<int64_t> ParseGoDuration(const std::string& text) {
  static const struct {
    const char* unit;
    double nanos;
  } kUnits[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
                {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t number_end = at;
    int dots = 0;
    while (
        number_end < text.size() &&
        (std::isdigit(static_cast<unsigned char>(text[number_end])) || text[number_end] == '.')) {
      dots += text[number_end] == '.';
      ++number_end;
    }
    if (number_end == at || dots > 1 || number_end - at == static_cast<size_t>(dots)) {
      return std::nullopt;
    }
    const double value = std::strtod(text.substr(at, number_end - at).c_str(), nullptr);
    size_t unit_end = number_end;
    while (unit_end < text.size() && !std::isdigit(static_cast<unsigned char>(text[unit_end])) &&
           text[unit_end] != '.') {
      ++unit_end;
    }
    const std::string unit = text.substr(number_end, unit_end - number_end);
    bool known = false;
    for (const auto& candidate : kUnits) {
      if (unit == candidate.unit) {
        total += value * candidate.nanos;
        known = true;
      }
    }
    if (!known) return std::nullopt;
    at = unit_end;
  }
  if (!std::isfinite(total) || total > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

std::string FormatGoDuration(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  std::string sign = nanoseconds < 0 ? "-" : "";
  uint64_t ns = nanoseconds < 0 ? -static_cast<uint64_t>(nanoseconds) : nanoseconds;
  if (ns < 1000000000) {
    // Under a second: the largest unit that divides it, else milliseconds with a fraction.
    if (ns % 1000000 == 0) return sign + std::to_string(ns / 1000000) + "ms";
    if (ns % 1000 == 0) return sign + std::to_string(ns / 1000) + "us";
    return sign + std::to_string(ns) + "ns";
  }
  std::string out = sign;
  const uint64_t hours = ns / 3600000000000ULL;
  ns %= 3600000000000ULL;
  const uint64_t minutes = ns / 60000000000ULL;
  ns %= 60000000000ULL;
  if (hours) out += std::to_string(hours) + "h";
  if (hours || minutes) out += std::to_string(minutes) + "m";
  std::string seconds = std::to_string(ns / 1000000000);
  if (uint64_t fraction = ns % 1000000000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits = std::string(9 - digits.size(), '0') + digits;
    while (digits.back() == '0') digits.pop_back();
    seconds += "." + digits;
  }
  return out + seconds + "s";
}

}  // namespace boxcar
