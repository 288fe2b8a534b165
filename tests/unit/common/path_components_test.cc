#include "common/path_components.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

using Parts = std::vector<std::string>;

TEST(PathComponents, DropsEmptyAndDotKeepsDotDot) {
  EXPECT_EQ(PathComponents("a//./b/../c/"), (Parts{"a", "b", "..", "c"}));
  EXPECT_EQ(PathComponents("/etc/passwd"), (Parts{"etc", "passwd"}));
  EXPECT_EQ(PathComponents("..."), (Parts{"..."}));
}

TEST(PathComponents, NothingLeft) {
  EXPECT_TRUE(PathComponents("").empty());
  EXPECT_TRUE(PathComponents("/").empty());
  EXPECT_TRUE(PathComponents("././/.").empty());
}

}  // namespace
}  // namespace boxcar
