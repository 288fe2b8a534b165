// One HTTP exchange over libcurl, as the Keystone and Glance clients need it: a JSON body or a
// streamed one going out, the answer kept whole or streamed to a sink, a cancel check polled
// while bytes move. No retries and no logging here: the callers decide what a status means.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::openstack {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body when `body_source` is empty.
  std::string body;
  // Streams the body (chunked transfer): fills at most `size` bytes of `buffer` and returns
  // how many; 0 ends the body; a negative value aborts the request.
  std::function<int64_t(char* buffer, size_t size)> body_source;
  // Receives a 2xx answer's body as it arrives instead of keeping it; a non-OK status aborts.
  std::function<Status(const char* bytes, size_t size)> body_sink;
  // When set, only an answer with this status goes to body_sink (a 200 to a Range request
  // would restart the body from byte 0).
  long sink_status = 0;
  // Polled while bytes move; true aborts with kCancelled.
  std::function<bool()> cancelled;
  long timeout_seconds = 0;          // whole exchange; 0 = none (large images)
  long connect_timeout_seconds = 10;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // unless a sink took it
  std::string Header(const std::string& lower_name) const;
};

// Performs the exchange. A transport failure (refused, cut, timed out) is kUnavailable naming
// the method and URL; an HTTP error status is NOT an error here (see response.status). When a
// sink or source fails, its status is returned.
StatusOr<HttpResponse> PerformHttp(const HttpRequest& request);

}  // namespace boxcar::openstack
