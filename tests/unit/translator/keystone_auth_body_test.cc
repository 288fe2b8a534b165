#include "openstack/keystone_auth_body.h"

#include <gtest/gtest.h>

namespace boxcar::openstack {
namespace {

TEST(KeystoneAuthBody, PasswordWithNamesAndDefaultDomains) {
  KeystoneCredentials c;
  c.username = "alice";
  c.password = "s\"ecret";
  c.project_name = "tenantA";
  auto body = KeystoneAuthRequestBody(c);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body,
            R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice",)"
            R"("domain":{"name":"Default"},"password":"s\"ecret"}}},"scope":{"project":{"name":)"
            R"("tenantA","domain":{"name":"Default"}}}}})");
}

TEST(KeystoneAuthBody, IdsWinOverNames) {
  KeystoneCredentials c;
  c.user_id = "u1";
  c.username = "ignored";
  c.password = "p";
  c.project_id = "p1";
  auto body = KeystoneAuthRequestBody(c);
  ASSERT_TRUE(body.ok());
  EXPECT_NE(body->find(R"("user":{"id":"u1","password":"p"})"), std::string::npos) << *body;
  EXPECT_NE(body->find(R"("project":{"id":"p1"})"), std::string::npos) << *body;
}

TEST(KeystoneAuthBody, ApplicationCredentialHasNoScope) {
  KeystoneCredentials c;
  c.application_credential_id = "ac";
  c.application_credential_secret = "sec";
  auto body = KeystoneAuthRequestBody(c);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, R"({"auth":{"identity":{"methods":["application_credential"],)"
                   R"("application_credential":{"id":"ac","secret":"sec"}}}})");
}

// The registry's login: the same password identity, no scope, the Default domain; what the
// old inline writer sent, byte for byte.
TEST(KeystoneAuthBody, UnscopedPassword) {
  EXPECT_EQ(KeystoneUnscopedPasswordBody("alice", "s\"ecret"),
            R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice",)"
            R"("domain":{"name":"Default"},"password":"s\"ecret"}}}}})");
}

TEST(KeystoneAuthBody, MissingFieldsAreNamed) {
  KeystoneCredentials c;
  EXPECT_NE(KeystoneAuthRequestBody(c).status().message().find("openstack.username"),
            std::string::npos);
  c.username = "a";
  EXPECT_NE(KeystoneAuthRequestBody(c).status().message().find("openstack.password"),
            std::string::npos);
  c.password = "p";
  EXPECT_NE(KeystoneAuthRequestBody(c).status().message().find("openstack.project_name"),
            std::string::npos);
  KeystoneCredentials app;
  app.application_credential_id = "x";
  EXPECT_EQ(KeystoneAuthRequestBody(app).status().code(), StatusCode::kInvalidArgument);
}

TEST(KeystoneToken, PicksImageEndpointByInterfaceAndRegion) {
  const std::string body = R"({"token":{"project":{"id":"pa"},"catalog":[
    {"type":"identity","endpoints":[{"interface":"public","url":"http://k"}]},
    {"type":"image","endpoints":[
      {"interface":"internal","region_id":"R1","url":"http://g-int"},
      {"interface":"public","region_id":"R2","url":"http://g-r2"},
      {"interface":"public","region_id":"R1","url":"http://g-r1"}]}]}})";
  auto any = ParseKeystoneToken(body, "", "");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->project_id, "pa");
  EXPECT_EQ(any->glance_endpoint, "http://g-r2");
  EXPECT_EQ(ParseKeystoneToken(body, "R1", "")->glance_endpoint, "http://g-r1");
  EXPECT_EQ(ParseKeystoneToken(body, "R1", "internal")->glance_endpoint, "http://g-int");
  EXPECT_EQ(ParseKeystoneToken(body, "R3", "")->glance_endpoint, "");
  EXPECT_FALSE(ParseKeystoneToken("not json", "", "").ok());
}

TEST(KeystoneToken, V3Url) {
  EXPECT_EQ(KeystoneV3Url("http://h:5000"), "http://h:5000/v3");
  EXPECT_EQ(KeystoneV3Url("http://h:5000/v3/"), "http://h:5000/v3");
  EXPECT_EQ(KeystoneV3Url("http://h:5000/v3"), "http://h:5000/v3");
}

}  // namespace
}  // namespace boxcar::openstack
