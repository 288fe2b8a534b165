#include "common/go_duration.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(GoDurationTest, ParsesGoDurations) {
  EXPECT_EQ(ParseGoDuration("30s"), 30'000'000'000);
  EXPECT_EQ(ParseGoDuration("1m30s"), 90'000'000'000);
  EXPECT_EQ(ParseGoDuration("500ms"), 500'000'000);
  EXPECT_EQ(ParseGoDuration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(ParseGoDuration("100us"), 100'000);
  EXPECT_EQ(ParseGoDuration("7ns"), 7);
  EXPECT_EQ(ParseGoDuration("0s"), 0);
}

TEST(GoDurationTest, RefusesWhatGoRefuses) {
  for (const char* text : {"", "30", "s", "1x", "1.2.3s", ".s", "-1s", "1 s", "99999999999h"}) {
    EXPECT_FALSE(ParseGoDuration(text).has_value()) << text;
  }
}

TEST(GoDurationTest, FormatsAsDockerPrints) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(300'000'000), "300ms");
  EXPECT_EQ(FormatGoDuration(30'000'000'000), "30s");
  EXPECT_EQ(FormatGoDuration(90'000'000'000), "1m30s");
  EXPECT_EQ(FormatGoDuration(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatGoDuration(2'500), "2500ns");
}

}  // namespace
}  // namespace boxcar
