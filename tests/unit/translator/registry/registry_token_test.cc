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

TEST(RegistryToken, SealedTokenOpensWithTheSameKeyOnly) {
  RegistryTokenSealer sealer(std::string(32, 'k'));
  const std::string token = *sealer.Seal(Grant(2000));
  auto grant = sealer.Open(token, 1000);
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  EXPECT_EQ(grant->user_name, "alice");
  EXPECT_EQ(grant->project_id, "p1");
  EXPECT_EQ(grant->project_name, "tenantA");
  EXPECT_EQ(grant->keystone_token, "gAAAA-token");
  EXPECT_EQ(grant->glance_endpoint, "http://127.0.0.1:9292");
  EXPECT_EQ(grant->expires_at, 2000);

  RegistryTokenSealer other(std::string(32, 'o'));
  EXPECT_EQ(other.Open(token, 1000).status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(*sealer.Seal(Grant(2000)), token) << "each token has a nonce of its own";
}

// The holder (or a proxy's log) sees an opaque token: not the Keystone token, not the grant.
TEST(RegistryToken, TheKeystoneTokenInsideCannotBeRead) {
  RegistryTokenSealer sealer(std::string(32, 'k'));
  const std::string token = *sealer.Seal(Grant(2000));
  ASSERT_EQ(token.rfind("v1.", 0), 0u) << token;
  auto bytes = Base64Decode(token.substr(3));
  ASSERT_TRUE(bytes.ok());
  for (const char* secret : {"gAAAA-token", "tenantA", "alice", "127.0.0.1", "kst"}) {
    EXPECT_EQ(bytes->find(secret), std::string::npos) << secret;
    EXPECT_EQ(token.find(Base64UrlEncode(secret).substr(0, 8)), std::string::npos) << secret;
  }
}

TEST(RegistryToken, ExpiredEditedAndMalformedTokensAreRefused) {
  RegistryTokenSealer sealer(std::string(32, 'k'));
  const std::string token = *sealer.Seal(Grant(2000));
  auto expired = sealer.Open(token, 2000);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  // Any byte changed (a later expiry guessed into the ciphertext, the tag) fails the tag.
  auto sealed = *Base64Decode(token.substr(3));
  for (size_t at : {size_t{0}, size_t{12}, sealed.size() / 2, sealed.size() - 1}) {
    std::string edited = sealed;
    edited[at] = static_cast<char>(edited[at] ^ 0x01);
    EXPECT_EQ(sealer.Open("v1." + Base64UrlEncode(edited), 1000).status().code(),
              StatusCode::kUnauthenticated)
        << "byte " << at;
  }
  // The signed tokens of before (payload.mac) are refused: their holders log in again.
  for (const std::string& bad : std::vector<std::string>{
           "", ".", "v1.", "v1.abc", "abc.def", token + "x", "v2." + token.substr(3),
           token.substr(0, token.size() - 4), "eyJ1c3IiOiJhIn0.bWFj"}) {
    EXPECT_EQ(sealer.Open(bad, 1000).status().code(), StatusCode::kUnauthenticated) << bad;
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
