// One HTTP exchange over libcurl, for every HTTP client of Boxcar (the registry client, the
// Keystone and Glance clients, ADD of a URL): request headers and a body (in memory, a range of
// a file, or streamed chunked), the answer's body either kept or streamed to a sink while it
// arrives, a cancel check polled while bytes move, TLS verified against the system CAs plus an
// optional CA file. No retries and no logging here: the callers decide what a status means.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/tls_options.h"

namespace boxcar {

class HttpConnectionPool;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body, one of: `body`; `body_length` bytes of `body_fd` from `body_offset` (sent with a
  // Content-Length) when body_fd >= 0; `body_source` (sent chunked), which fills at most
  // `size` bytes of `buffer` and returns how many, 0 at the end, a negative value to abort.
  std::string body;
  int body_fd = -1;
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  std::function<int64_t(char* buffer, size_t size)> body_source;
  // When set, the body of an answer whose status is `sink_status` (any 2xx when 0) goes here
  // as it arrives, with that status, instead of into HttpResponse::body; a failed status stops
  // the transfer and is what PerformHttp returns. (A 200 to a Range request restarts the body
  // from byte 0: a caller may ask for 206 only.)
  std::function<Status(long status, const char* bytes, size_t size)> body_sink;
  long sink_status = 0;
  // Polled while the transfer runs; true stops it (kCancelled).
  std::function<bool()> cancelled;
  bool follow_redirects = false;
  long max_redirects = 10;
  long connect_timeout_seconds = 10;
  long timeout_seconds = 0;  // the whole exchange; 0: none (large images)
  // Bodies not given to the sink are kept up to this many bytes (0: all of them).
  size_t max_kept_body_bytes = 0;
  // Asks for the server's Last-Modified as HttpResponse::file_time.
  bool want_file_time = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value of each
  std::string body;                            // unless the sink took it
  int64_t file_time = -1;                      // seconds since the epoch, when asked and known
  std::string Header(const std::string& lower_name) const;
};

// Performs the request (http and https URLs only, also when redirected). A transport failure
// (refused, cut, timed out, TLS) is kUnavailable naming the method, the URL and curl's reason
// (and tls.untrusted_hint when the peer's certificate was not trusted);
// an HTTP error status is NOT an error here (see HttpResponse::status). A cancel is
// kCancelled; a sink's failure is returned as the sink gave it; a failed read of body_fd
// names the read. With `pool`, the exchange takes an idle handle from it (and its open
// connection) and gives it back after.
StatusOr<HttpResponse> PerformHttp(const HttpRequest& request, const TlsOptions& tls = {},
                                   HttpConnectionPool* pool = nullptr);

// Initialises libcurl once for the process (PerformHttp calls it; call it before threads
// start when in doubt).
void InitHttp();

}  // namespace boxcar
