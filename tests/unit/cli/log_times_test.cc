#include "cli/log_times.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

constexpr int64_t kSecond = 1000000000;
// 2026-12-03T10:00:00Z
constexpr int64_t kNow = 1796292000LL * kSecond;

TEST(LogTimesTest, ParsesRfc3339UnixTimesAndDurationsBack) {
  EXPECT_EQ(ParseLogTime("2026-12-03T10:00:00Z", 0), kNow);
  EXPECT_EQ(ParseLogTime("2026-12-03T10:00:00.25Z", 0), kNow + kSecond / 4);
  EXPECT_EQ(ParseLogTime("2026-12-03T11:00:00+01:00", 0), kNow);
  EXPECT_EQ(ParseLogTime("2026-12-03T09:30:00-00:30", 0), kNow);
  EXPECT_EQ(ParseLogTime("2026-12-03", 0), kNow - 10 * 3600 * kSecond);
  EXPECT_EQ(ParseLogTime("1796292000", 0), kNow);
  EXPECT_EQ(ParseLogTime("1796292000.5", 0), kNow + kSecond / 2);
  EXPECT_EQ(ParseLogTime("10m", kNow), kNow - 600 * kSecond);
  EXPECT_EQ(ParseLogTime("1h30m", kNow), kNow - 5400 * kSecond);
  EXPECT_EQ(ParseLogTime("1.5s", kNow), kNow - 3 * kSecond / 2);
  EXPECT_EQ(ParseLogTime("250ms", kNow), kNow - kSecond / 4);
}

TEST(LogTimesTest, RefusesWhatIsNoTime) {
  for (const char* text : {"", "yesterday", "10x", "m", "2026-13-45T10:00:00Z",
                           "2026-12-03T10:00:00+0100", "2026-12-03T10:00:00Zjunk", "1.2.3"}) {
    EXPECT_FALSE(ParseLogTime(text, kNow).has_value()) << text;
  }
  EXPECT_EQ(ParseLogTime("10", kNow), 10 * kSecond) << "a Unix time (1970), as Docker reads it";
}

TEST(LogTimesTest, FormatsDockersFixedWidthNanoseconds) {
  EXPECT_EQ(FormatLogTime(kNow + 5), "2026-12-03T10:00:00.000000005Z");
  EXPECT_EQ(FormatLogTime(kNow + 123456789), "2026-12-03T10:00:00.123456789Z");
}

TEST(LogTimesTest, EveryLineGetsTheTimeOfTheChunkItBeganIn) {
  LineTimestamps stamps;
  const std::string first = FormatLogTime(kNow) + " ";
  const std::string second = FormatLogTime(kNow + kSecond) + " ";
  EXPECT_EQ(stamps.Stamp(0, "a\nb", kNow), first + "a\n" + first + "b");
  EXPECT_EQ(stamps.Stamp(1, "err\n", kNow + kSecond), second + "err\n") << "streams apart";
  EXPECT_EQ(stamps.Stamp(0, "-end\nc\n", kNow + kSecond), "-end\n" + second + "c\n");
}

}  // namespace
}  // namespace boxcar::cli
