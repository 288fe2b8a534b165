#include "registry/token_handler.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

TEST(TokenHandler, BasicAuthorization) {
  std::string user, password;
  ASSERT_TRUE(ParseBasicAuthorization("Basic YWxpY2U6czpjcmV0", &user, &password));
  EXPECT_EQ(user, "alice");
  EXPECT_EQ(password, "s:cret");  // only the first colon splits
  EXPECT_TRUE(ParseBasicAuthorization("basic YWxpY2U6czpjcmV0", &user, &password));
  EXPECT_FALSE(ParseBasicAuthorization("Bearer YWxpY2U6czpjcmV0", &user, &password));
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U", &user, &password));  // no colon
  EXPECT_FALSE(ParseBasicAuthorization("Basic !!!", &user, &password));
  EXPECT_FALSE(ParseBasicAuthorization("", &user, &password));
}

}  // namespace
}  // namespace boxcar::registry
