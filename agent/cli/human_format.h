// Sizes, durations and tables for people; byte sizes parsed from "64m", "1.5g", "4096".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace boxcar::cli {

std::string HumanBytes(uint64_t bytes);
// "3 seconds", "2 minutes", "5 hours", "4 days".
std::string HumanDuration(int64_t seconds);
// Accepts b, k, m, g (case-insensitive, optional trailing "b"/"ib"); nullopt when malformed.
std::optional<uint64_t> ParseByteSize(const std::string& text);
// A plain decimal count ("1000"); nullopt when empty, malformed or out of range.
std::optional<uint64_t> ParseCount(const std::string& text);
// Rows as left-aligned columns separated by three spaces, a line each.
std::vector<std::string> TableLines(const std::vector<std::vector<std::string>>& rows);
// Prints TableLines(rows).
void PrintTable(const std::vector<std::vector<std::string>>& rows);
// Seconds since the epoch, now.
int64_t NowUnixSeconds();

}  // namespace boxcar::cli
