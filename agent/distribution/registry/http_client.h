// One HTTP exchange over libcurl, as the registry client needs it: request headers and a body
// (in memory, or read from a file range), the answer's body either kept or streamed to a
// sink while it arrives, TLS verified against the system CAs plus an optional CA file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body: `body`, or `body_length` bytes of `body_fd` from `body_offset` when
  // body_fd >= 0.
  std::string body;
  int body_fd = -1;
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  // When set, a 2xx answer's body goes here as it arrives, with the answer's status (false
  // stops the transfer, which then fails with kAborted); other answers' bodies are kept in
  // HttpResponse::body.
  std::function<bool(long status, const char* bytes, size_t size)> body_sink;
  // Polled while the transfer runs; true stops it (kCancelled).
  std::function<bool()> cancelled;
  bool follow_redirects = true;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value of each
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto found = headers.find(lower_name);
    return found == headers.end() ? "" : found->second;
  }
};

struct TlsOptions {
  std::string ca_file;  // PEM; trusted besides the system's CAs
};

// Performs the request. A transport failure (no connection, TLS, a cut transfer) is
// kUnavailable naming the URL and curl's reason; any HTTP status is a response.
StatusOr<HttpResponse> PerformHttp(const HttpRequest& request, const TlsOptions& tls);

// Initialises libcurl once for the process (call before threads use PerformHttp).
void InitHttp();

// base64 of `text` (Basic credentials).
std::string Base64(const std::string& text);
// Percent-encodes a query value.
std::string UrlEncode(const std::string& text);

}  // namespace boxcar
