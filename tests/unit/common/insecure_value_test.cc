#include "common/insecure_value.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(InsecureValue, AnythingButAFalseSpellingAsksForNoVerification) {
  for (const char* yes : {"true", "TRUE", "1", "yes", "on", "t", "y", "whatever"}) {
    EXPECT_TRUE(IsInsecureValue(yes)) << yes;
  }
  for (const char* no : {"", "false", "False", "0", "no", "n", "off", "f"}) {
    EXPECT_FALSE(IsInsecureValue(no)) << no;
  }
}

}  // namespace
}  // namespace boxcar
