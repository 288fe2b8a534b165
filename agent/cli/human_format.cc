#include "cli/human_format.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace boxcar::cli {

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string HumanDuration(int64_t seconds) {
  auto plural = [](int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds < 0) seconds = 0;
  if (seconds < 60) return plural(seconds, "second");
  if (seconds < 3600) return plural(seconds / 60, "minute");
  if (seconds < 86400) return plural(seconds / 3600, "hour");
  return plural(seconds / 86400, "day");
}

std::optional<uint64_t> ParseCount(const std::string& text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<uint64_t> ParseByteSize(const std::string& text) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  size_t digits_end = 0;
  while (
      digits_end < lower.size() &&
      (std::isdigit(static_cast<unsigned char>(lower[digits_end])) || lower[digits_end] == '.')) {
    ++digits_end;
  }
  if (digits_end == 0) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(lower.substr(0, digits_end));
  } catch (...) {
    return std::nullopt;
  }
  std::string suffix = lower.substr(digits_end);
  if (suffix.size() > 1 && (suffix.substr(1) == "b" || suffix.substr(1) == "ib"))
    suffix = suffix.substr(0, 1);
  double multiplier = 1;
  if (suffix.empty() || suffix == "b")
    multiplier = 1;
  else if (suffix == "k")
    multiplier = 1024.0;
  else if (suffix == "m")
    multiplier = 1024.0 * 1024;
  else if (suffix == "g")
    multiplier = 1024.0 * 1024 * 1024;
  else
    return std::nullopt;
  return static_cast<uint64_t>(std::llround(number * multiplier));
}

std::vector<std::string> TableLines(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  for (const std::string& line : TableLines(rows)) std::puts(line.c_str());
}

int64_t NowUnixSeconds() { return static_cast<int64_t>(::time(nullptr)); }

}  // namespace boxcar::cli
