#include "distribution/registry/registry_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../../test_http_server.h"
#include "http/url_encoding.h"

namespace boxcar {
namespace {

constexpr char kBasic[] = "Basic YWxpY2U6c2VjcmV0";  // alice:secret

v1::RegistryCredentials Alice() {
  v1::RegistryCredentials credentials;
  credentials.set_username("alice");
  credentials.set_password("secret");
  return credentials;
}

std::unique_ptr<RegistryClient> ClientOf(const std::string& url_of_root,
                                         v1::RegistryCredentials credentials) {
  std::string host = url_of_root.substr(std::string("http://").size());
  host = host.substr(0, host.find('/'));
  auto reference = ParseRegistryReference(host + "/team/app:1", "source");
  EXPECT_TRUE(reference.ok()) << reference.status().message();
  return std::make_unique<RegistryClient>(*reference, std::move(credentials),
                                          RegistryEndpointOptions{});
}

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
  EXPECT_EQ(not_found.message(), "source: r/app:1: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown)");

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

// The registry's credentials go to the registry only: an absolute Location on another origin
// (an upload session elsewhere, object storage) gets the request without them.
TEST(RegistryClientTest, CredentialsGoToTheRegistryOnlyNotToALocationElsewhere) {
  TestHttpServer registry([](const TestHttpServer::Request& request) {
    auto authorization = request.headers.find("authorization");
    if (authorization == request.headers.end() || authorization->second != kBasic) {
      return Answer(401, "", "WWW-Authenticate: Basic realm=\"registry\"\r\n");
    }
    return Answer(200, "{}");
  });
  TestHttpServer elsewhere([](const TestHttpServer::Request&) { return Answer(200, "stored"); });
  auto client = ClientOf(registry.Url("/"), Alice());

  HttpRequest to_registry;
  to_registry.url = "/v2/team/app/tags/list";
  auto answered = client->Send(to_registry, {"repository:team/app:pull"});
  ASSERT_TRUE(answered.ok()) << answered.status().message();
  EXPECT_EQ(answered->status, 200);
  ASSERT_FALSE(registry.requests().empty());
  EXPECT_EQ(registry.requests().back().headers["authorization"], kBasic);

  HttpRequest to_elsewhere;
  to_elsewhere.method = "PUT";
  to_elsewhere.url = elsewhere.Url("/upload/1?digest=sha256:0");
  auto stored = client->Send(to_elsewhere, {"repository:team/app:push"});
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(stored->status, 200);
  ASSERT_EQ(elsewhere.requests().size(), 1u);
  EXPECT_EQ(elsewhere.requests()[0].headers.count("authorization"), 0u)
      << "sent " << elsewhere.requests()[0].headers["authorization"];

  // A 401 from elsewhere is the answer: no credentials are offered to it either.
  TestHttpServer asking([](const TestHttpServer::Request&) {
    return Answer(401, "", "WWW-Authenticate: Basic realm=\"other\"\r\n");
  });
  HttpRequest to_asking;
  to_asking.url = asking.Url("/blob");
  auto refused = client->Send(to_asking, {});
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_EQ(refused->status, 401);
  ASSERT_EQ(asking.requests().size(), 1u);
  EXPECT_EQ(asking.requests()[0].headers.count("authorization"), 0u);
}

// A Bearer realm on plain HTTP gets the user name and password only where the registry
// itself may be spoken to that way (loopback, --insecure-registry); anywhere else the client
// refuses before sending anything.
TEST(RegistryClientTest, PasswordsGoToAPlainHttpTokenServiceOnlyOnTrustedHosts) {
  std::string realm;
  TestHttpServer registry([&realm](const TestHttpServer::Request& request) {
    if (request.target.rfind("/token?", 0) == 0) {
      auto authorization = request.headers.find("authorization");
      if (authorization == request.headers.end() || authorization->second != kBasic) {
        return Answer(401, "");
      }
      return Answer(200, R"({"token":"granted"})");
    }
    auto authorization = request.headers.find("authorization");
    if (authorization != request.headers.end() && authorization->second == "Bearer granted") {
      return Answer(200, "{}");
    }
    return Answer(401, "", "WWW-Authenticate: Bearer realm=\"" + realm + "\",service=\"test\"\r\n");
  });

  realm = registry.Url("/token");  // loopback: trusted
  auto client = ClientOf(registry.Url("/"), Alice());
  HttpRequest request;
  request.url = "/v2/team/app/tags/list";
  auto answered = client->Send(request, {"repository:team/app:pull"});
  ASSERT_TRUE(answered.ok()) << answered.status().message();
  EXPECT_EQ(answered->status, 200);

  realm = "http://token.example.invalid/token";
  auto other = ClientOf(registry.Url("/"), Alice());
  const size_t before = registry.requests().size();
  auto refused = other->Send(request, {"repository:team/app:pull"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("plain HTTP"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("--insecure-registry"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("secret"), std::string::npos);
  EXPECT_EQ(registry.requests().size(), before + 2) << "the ping and the challenged request";
}

}  // namespace
}  // namespace boxcar
