#include "distribution/registry/registry_client.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(RegistryClientTest, PlainHttpOnlyForLoopbackAndListedHosts) {
  EXPECT_TRUE(IsLoopbackRegistry("127.0.0.1:5000"));
  EXPECT_TRUE(IsLoopbackRegistry("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackRegistry("localhost:80"));
  EXPECT_TRUE(IsLoopbackRegistry("[::1]:5000"));
  EXPECT_FALSE(IsLoopbackRegistry("127example.com"));
  EXPECT_FALSE(IsLoopbackRegistry("registry.example.com:5000"));
  EXPECT_FALSE(IsLoopbackRegistry("docker.io"));

  EXPECT_TRUE(IsInsecureRegistry("localhost:5000", {}));
  EXPECT_FALSE(IsInsecureRegistry("mirror.lan:5000", {}));
  EXPECT_TRUE(IsInsecureRegistry("mirror.lan:5000", {"Mirror.LAN:5000"}));
  EXPECT_FALSE(IsInsecureRegistry("mirror.lan:5001", {"mirror.lan:5000"}));
  EXPECT_TRUE(IsInsecureRegistry("docker.io", {"index.docker.io"}));
}

TEST(RegistryClientTest, ErrorAnswersBecomeStatusesWithTheRegistrysWords) {
  HttpResponse response;
  response.status = 404;
  response.body =
      R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]})";
  Status not_found = RegistryError(response, "source: r/app:1");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(),
            "source: r/app:1: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown)");

  response.status = 401;
  response.body = "not json";
  Status unauthorized = RegistryError(response, "login to r");
  EXPECT_EQ(unauthorized.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unauthorized.message().find("boxcar login"), std::string::npos);

  response.status = 503;
  EXPECT_EQ(RegistryError(response, "x").code(), StatusCode::kUnavailable);
  response.status = 429;
  EXPECT_EQ(RegistryError(response, "x").code(), StatusCode::kUnavailable);
  response.status = 400;
  EXPECT_EQ(RegistryError(response, "x").code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace boxcar
