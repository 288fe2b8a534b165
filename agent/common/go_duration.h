// Durations as Docker's flags and Dockerfiles write them (Go's time.ParseDuration): "30s",
// "1m30s", "500ms", "1.5h", "100us".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace boxcar {

// Nanoseconds; nullopt when `text` is empty, has a unit Go does not know, or overflows.
std::optional<int64_t> ParseGoDuration(const std::string& text);

// The short form Docker prints: "30s", "1m30s", "500ms", "0s".
std::string FormatGoDuration(int64_t nanoseconds);

}  // namespace boxcar
