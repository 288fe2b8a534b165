#include "distribution/registry/auth_challenge.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(AuthChallengeTest, BearerWithQuotedCommasAndEscapes) {
  auto challenge = ParseAuthChallenge(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",)"
      R"(scope="repository:a/b:pull,push", error="invalid_token" )");
  ASSERT_TRUE(challenge.ok()) << challenge.status().message();
  EXPECT_EQ(challenge->scheme, "bearer");
  EXPECT_EQ(challenge->Param("realm"), "https://auth.example.com/token");
  EXPECT_EQ(challenge->Param("service"), "registry.example.com");
  EXPECT_EQ(challenge->Param("scope"), "repository:a/b:pull,push");
  EXPECT_EQ(challenge->Param("error"), "invalid_token");

  auto escaped = ParseAuthChallenge(R"(Bearer realm="a\"b", Service=plain)");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped->Param("realm"), "a\"b");
  EXPECT_EQ(escaped->Param("service"), "plain");
}

TEST(AuthChallengeTest, BasicAndMalformed) {
  auto basic = ParseAuthChallenge(R"(Basic realm="boxcar-test")");
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_EQ(basic->Param("realm"), "boxcar-test");
  EXPECT_FALSE(ParseAuthChallenge("").ok());
  EXPECT_FALSE(ParseAuthChallenge(R"(Bearer realm="open)").ok());
  auto no_value = ParseAuthChallenge("Bearer realm");
  ASSERT_FALSE(no_value.ok());
  EXPECT_NE(no_value.status().message().find("WWW-Authenticate"), std::string::npos);
}

}  // namespace
}  // namespace boxcar
