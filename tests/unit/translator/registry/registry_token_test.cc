#include "registry/registry_token.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

RegistryGrant Grant(int64_t expires_at) {
  RegistryGrant g;
  g.user_name = "alice";
  g.project_id = "p1";
  g.project_name = "tenantA";
  g.keystone_token = "gAAAA-token";
  g.glance_endpoint = "http://127.0.0.1:9292";
  g.expires_at = expires_at;
  return g;
}

TEST(RegistryToken, SignedTokenVerifiesWithTheSameKeyOnly) {
  RegistryTokenSigner signer(std::string(32, 'k'));
  const std::string token = signer.Sign(Grant(2000));
  auto grant = signer.Verify(token, 1000);
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  EXPECT_EQ(grant->project_id, "p1");
  EXPECT_EQ(grant->project_name, "tenantA");
  EXPECT_EQ(grant->keystone_token, "gAAAA-token");
  EXPECT_EQ(grant->glance_endpoint, "http://127.0.0.1:9292");
  EXPECT_EQ(grant->expires_at, 2000);

  RegistryTokenSigner other(std::string(32, 'o'));
  EXPECT_EQ(other.Verify(token, 1000).status().code(), StatusCode::kUnauthenticated);
}

TEST(RegistryToken, ExpiredTamperedAndMalformedTokensAreRefused) {
  RegistryTokenSigner signer(std::string(32, 'k'));
  const std::string token = signer.Sign(Grant(2000));
  auto expired = signer.Verify(token, 2000);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  // A payload edited to a later expiry no longer matches its MAC.
  const std::string forged =
      signer.Sign(Grant(999999)).substr(0, token.find('.')) + token.substr(token.find('.'));
  EXPECT_FALSE(signer.Verify(forged, 1000).ok());
  for (const std::string& bad :
       std::vector<std::string>{"", ".", "abc", "abc.def", token + "x", "." + token}) {
    EXPECT_EQ(signer.Verify(bad, 1000).status().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(RegistryToken, Base64BothAlphabets) {
  EXPECT_EQ(Base64UrlEncode("alice:secret"), "YWxpY2U6c2VjcmV0");
  EXPECT_EQ(*Base64Decode("YWxpY2U6c2VjcmV0"), "alice:secret");
  EXPECT_EQ(*Base64Decode("Pz8_"), "???");
  EXPECT_EQ(*Base64Decode("Pz8/"), "???");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_FALSE(Base64Decode("a!b").ok());
}

}  // namespace
}  // namespace boxcar::registry
