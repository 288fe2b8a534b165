// Docker's predefined ARGs and its warning of --build-arg names nothing declared.
#include "build/predefined_args.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(PredefinedArgsTest, EveryBuildArgDeclaredOrPredefinedMeansNoWarning) {
  EXPECT_FALSE(UnconsumedBuildArgsWarning({}, {}));
  EXPECT_FALSE(UnconsumedBuildArgsWarning({{"A", "1"}, {"no_proxy", "x"}, {"HTTPS_PROXY", "y"}},
                                          {"A", "B"}));
}

TEST(PredefinedArgsTest, TheWarningNamesTheUnusedInOrder) {
  auto warning = UnconsumedBuildArgsWarning(
      {{"ZED", "1"}, {"USED", "2"}, {"ALPHA", "3"}, {"http_proxy", "4"}}, {"USED"});
  ASSERT_TRUE(warning);
  EXPECT_EQ(*warning, "One or more build-args [ALPHA ZED] were not consumed");
}

TEST(PredefinedArgsTest, NamesAreCaseSensitive) {
  auto warning = UnconsumedBuildArgsWarning({{"Http_Proxy", "x"}, {"user", "1"}}, {"USER"});
  ASSERT_TRUE(warning);
  EXPECT_EQ(*warning, "One or more build-args [Http_Proxy user] were not consumed");
}

}  // namespace
}  // namespace boxcar
