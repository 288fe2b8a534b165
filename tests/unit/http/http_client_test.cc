#include "http/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../test_http_server.h"
#include "http/http_connection_pool.h"
#include "http/url_encoding.h"

namespace boxcar {
namespace {

// Answers by path: /hello, /missing (404), /big (8 MiB), /stalled, /moved (302 to /hello),
// /dated (Last-Modified), /echo (the method, the body and some request headers).
std::string Route(const TestHttpServer::Request& request) {
  if (request.target == "/hello") return Answer(200, "hello", "X-Thing: Value\r\n");
  if (request.target == "/missing") return Answer(404, "{\"error\":\"no such thing\"}");
  if (request.target == "/big") return Answer(200, std::string(8 << 20, 'b'));
  // A body that stops after 7 of its 1000000 bytes: the client waits for the rest.
  if (request.target == "/stalled")
    return "HTTP/1.1 200 X\r\nContent-Length: 1000000\r\n\r\npartial";
  if (request.target == "/moved") return Answer(302, "", "Location: /hello\r\n");
  if (request.target == "/dated")
    return Answer(200, "old", "Last-Modified: Wed, 01 Jan 2020 00:00:00 GMT\r\n");
  if (request.target == "/echo") {
    auto header = [&](const std::string& name) {
      auto found = request.headers.find(name);
      return found == request.headers.end() ? std::string("-") : found->second;
    };
    return Answer(200, request.method + " " + request.body + " length=" + header("content-length") +
                           " te=" + header("transfer-encoding") + " expect=" + header("expect") +
                           " ua=" + header("user-agent"));
  }
  return Answer(500, "unrouted");
}

class HttpClientTest : public ::testing::Test {
 protected:
  TestHttpServer server_{Route};
};

TEST_F(HttpClientTest, KeepsTheBodyAndTheHeadersLowerCased) {
  HttpRequest request;
  request.url = server_.Url("/hello");
  auto response = PerformHttp(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("x-thing"), "Value");
  EXPECT_EQ(response->Header("x-nothing"), "");
}

TEST_F(HttpClientTest, SinkTakesTwoXxBodiesWithTheStatusOthersAreKept) {
  std::string sunk;
  long sunk_status = 0;
  HttpRequest request;
  request.url = server_.Url("/hello");
  request.body_sink = [&](long status, const char* bytes, size_t size) {
    sunk_status = status;
    sunk.append(bytes, size);
    return OkStatus();
  };
  auto response = PerformHttp(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(sunk, "hello");
  EXPECT_EQ(sunk_status, 200);
  EXPECT_EQ(response->body, "");

  sunk.clear();
  request.url = server_.Url("/missing");
  request.max_kept_body_bytes = 9;
  response = PerformHttp(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(sunk, "");
  EXPECT_EQ(response->body, "{\"error\":");  // at most 9 bytes kept
}

TEST_F(HttpClientTest, SinkStatusTakesOnlyThatStatus) {
  bool sunk = false;
  HttpRequest request;
  request.url = server_.Url("/hello");
  request.sink_status = 206;  // a Range answered with the whole body must not reach the sink
  request.body_sink = [&](long, const char*, size_t) {
    sunk = true;
    return OkStatus();
  };
  auto response = PerformHttp(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_FALSE(sunk);
  EXPECT_EQ(response->body, "hello");
}

TEST_F(HttpClientTest, SinkFailureIsWhatTheExchangeReturns) {
  HttpRequest request;
  request.url = server_.Url("/big");
  request.body_sink = [](long, const char*, size_t) { return DataLoss("disk on fire"); };
  auto response = PerformHttp(request);
  EXPECT_EQ(response.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(response.status().message(), "disk on fire");
}

TEST_F(HttpClientTest, CancelStopsTheTransfer) {
  HttpRequest request;
  request.url = server_.Url("/stalled");
  size_t received = 0;
  request.body_sink = [&](long, const char*, size_t size) {
    received += size;
    return OkStatus();
  };
  request.cancelled = [&] { return received > 0; };
  auto response = PerformHttp(request);
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(response.status().message(), "GET " + request.url + ": cancelled");
  EXPECT_EQ(received, 7u);
}

TEST_F(HttpClientTest, BodiesFromMemoryFromAFileRangeAndStreamedChunked) {
  HttpRequest post;
  post.method = "POST";
  post.url = server_.Url("/echo");
  post.body = "{\"a\":1}";
  auto posted = PerformHttp(post);
  ASSERT_TRUE(posted.ok()) << posted.status().message();
  EXPECT_EQ(posted->body, "POST {\"a\":1} length=7 te=- expect=- ua=boxcar/0.1");

  // An empty PUT still says Content-Length: 0.
  HttpRequest empty_put;
  empty_put.method = "PUT";
  empty_put.url = server_.Url("/echo");
  auto put_empty = PerformHttp(empty_put);
  ASSERT_TRUE(put_empty.ok()) << put_empty.status().message();
  EXPECT_EQ(put_empty->body, "PUT  length=0 te=- expect=- ua=boxcar/0.1");

  char path[] = "/tmp/http-client-test-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  HttpRequest patch;
  patch.method = "PATCH";
  patch.url = server_.Url("/echo");
  patch.body_fd = fd;
  patch.body_offset = 2;
  patch.body_length = 5;
  auto patched = PerformHttp(patch);
  ::close(fd);
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  EXPECT_EQ(patched->body, "PATCH 23456 length=5 te=- expect=- ua=boxcar/0.1");

  HttpRequest streamed;
  streamed.method = "PUT";
  streamed.url = server_.Url("/echo");
  int calls = 0;
  streamed.body_source = [&](char* buffer, size_t size) -> int64_t {
    if (calls++ >= 3) return 0;
    buffer[0] = static_cast<char>('x' + calls - 1);
    return 1;
  };
  auto put = PerformHttp(streamed);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->body, "PUT xyz length=- te=chunked expect=- ua=boxcar/0.1");
}

TEST_F(HttpClientTest, AFileBodyThatEndsEarlyFailsNamingTheRead) {
  char path[] = "/tmp/http-client-test-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, "0123", 4), 4);
  HttpRequest put;
  put.method = "PUT";
  put.url = server_.Url("/echo");
  put.body_fd = fd;
  put.body_length = 10;
  auto response = PerformHttp(put);
  ::close(fd);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "PUT " + put.url + ": upload body ended early");
}

TEST_F(HttpClientTest, RedirectsFollowedOnlyWhenAsked) {
  HttpRequest request;
  request.url = server_.Url("/moved");
  auto stayed = PerformHttp(request);
  ASSERT_TRUE(stayed.ok()) << stayed.status().message();
  EXPECT_EQ(stayed->status, 302);
  EXPECT_EQ(stayed->Header("location"), "/hello");

  request.follow_redirects = true;
  auto followed = PerformHttp(request);
  ASSERT_TRUE(followed.ok()) << followed.status().message();
  EXPECT_EQ(followed->status, 200);
  EXPECT_EQ(followed->body, "hello");
  // The redirect's own headers are not mixed into the answer's.
  EXPECT_EQ(followed->Header("location"), "");
  EXPECT_EQ(followed->Header("x-thing"), "Value");
}

TEST_F(HttpClientTest, FileTimeWhenAsked) {
  HttpRequest request;
  request.url = server_.Url("/dated");
  auto plain = PerformHttp(request);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->file_time, -1);
  request.want_file_time = true;
  auto dated = PerformHttp(request);
  ASSERT_TRUE(dated.ok()) << dated.status().message();
  EXPECT_EQ(dated->file_time, 1577836800);
}

TEST_F(HttpClientTest, HeadHasNoBody) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = server_.Url("/hello");
  auto response = PerformHttp(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(response->Header("content-length"), "5");
}

TEST_F(HttpClientTest, PoolReusesOneConnectionWithoutItEachExchangeConnects) {
  HttpConnectionPool pool;
  HttpRequest request;
  request.url = server_.Url("/hello");
  for (int i = 0; i < 3; ++i) {
    auto response = PerformHttp(request, {}, &pool);
    ASSERT_TRUE(response.ok()) << response.status().message();
    EXPECT_EQ(response->body, "hello");
  }
  EXPECT_EQ(server_.connections(), 1);
  EXPECT_EQ(pool.idle_count(), 1u);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(PerformHttp(request).ok());
  EXPECT_EQ(server_.connections(), 3);

  // Two at once: two handles, both kept.
  std::thread other([&] { EXPECT_TRUE(PerformHttp(request, {}, &pool).ok()); });
  EXPECT_TRUE(PerformHttp(request, {}, &pool).ok());
  other.join();
  EXPECT_LE(pool.idle_count(), 2u);
  EXPECT_GE(pool.idle_count(), 1u);
}

TEST(HttpClient, TransportFailuresAreUnavailableNamingTheUrl) {
  // A port that was free a moment ago: nothing listens.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  HttpRequest request;
  request.method = "DELETE";
  request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";
  auto refused = PerformHttp(request);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().message().rfind("DELETE " + request.url + ": ", 0), 0u)
      << refused.status().message();

  // Credentials in the URL, a signature in its query: neither reaches the message.
  HttpRequest with_secrets;
  with_secrets.url = "http://alice:secret@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                     "/x?signature=s3cr3t";
  auto hidden = PerformHttp(with_secrets);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(
      hidden.status().message().rfind(
          "GET http://***@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x?...: ", 0),
      0u)
      << hidden.status().message();
  EXPECT_EQ(hidden.status().message().find("secret"), std::string::npos);
  EXPECT_EQ(hidden.status().message().find("s3cr3t"), std::string::npos);

  HttpRequest other_scheme;
  other_scheme.url = "file:///etc/hostname";
  auto file = PerformHttp(other_scheme);
  EXPECT_EQ(file.status().code(), StatusCode::kUnavailable) << file.status().message();
}

TEST(UrlEncoding, PercentEncodesAllButUnreservedAndBase64Pads) {
  EXPECT_EQ(UrlEncode("repository:team/app:pull,push"), "repository%3Ateam%2Fapp%3Apull%2Cpush");
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlEncode("é "), "%C3%A9%20");
  EXPECT_EQ(Base64("alice:secret"), "YWxpY2U6c2VjcmV0");
  EXPECT_EQ(Base64("a"), "YQ==");
  EXPECT_EQ(Base64(""), "");
}

}  // namespace
}  // namespace boxcar
