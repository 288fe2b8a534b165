#include "http/http_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "http/http_connection_pool.h"
#include "http/http_header_line.h"
#include "http/url_for_messages.h"

namespace boxcar {

namespace {

constexpr long kBufferBytes = 512L * 1024;

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
  uint64_t body_sent = 0;
  Status sink_failure;  // why the sink stopped the transfer
  Status read_failure;  // why body_fd could not be read
  bool cancelled = false;
};

bool ForSink(const HttpRequest& request, long status) {
  if (!request.body_sink) return false;
  return request.sink_status ? status == request.sink_status : status / 100 == 2;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange->response->headers.clear();  // a redirect's or 100-continue's headers
    return size * count;
  }
  std::string name, value;
  if (ParseHttpHeaderLine(line, &name, &value)) exchange->response->headers[name] = value;
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const HttpRequest& request = *exchange->request;
  const size_t bytes = size * count;
  long status = 0;
  curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
  if (ForSink(request, status)) {
    Status taken = request.body_sink(status, data, bytes);
    if (!taken.ok()) {
      exchange->sink_failure = std::move(taken);
      return 0;  // aborts with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  std::string& body = exchange->response->body;
  size_t keep = bytes;
  if (request.max_kept_body_bytes) {
    keep = body.size() >= request.max_kept_body_bytes
               ? 0
               : std::min(bytes, request.max_kept_body_bytes - body.size());
  }
  body.append(data, keep);
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const HttpRequest& request = *exchange->request;
  if (request.body_source) {
    int64_t n = request.body_source(buffer, size * count);
    if (n < 0) return CURL_READFUNC_ABORT;
    return static_cast<size_t>(n);
  }
  uint64_t left = request.body_length - exchange->body_sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(left, size * count));
  if (want == 0) return 0;
  ssize_t n = ::pread(request.body_fd, buffer, want,
                      static_cast<off_t>(request.body_offset + exchange->body_sent));
  if (n <= 0) {
    exchange->read_failure =
        n < 0 ? ErrnoStatus("read the upload body") : Internal("upload body ended early");
    return CURL_READFUNC_ABORT;
  }
  exchange->body_sent += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* exchange = static_cast<Exchange*>(user);
  if (exchange->request->cancelled && exchange->request->cancelled()) {
    exchange->cancelled = true;
    return 1;
  }
  return 0;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The handle of one exchange: from the pool and back, or made and closed.
class Handle {
 public:
  explicit Handle(HttpConnectionPool* pool)
      : pool_(pool), curl_(pool ? pool->Take() : curl_easy_init()) {}
  ~Handle() {
    if (!curl_) return;
    if (pool_) {
      pool_->Give(curl_);
    } else {
      curl_easy_cleanup(curl_);
    }
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  CURL* get() const { return curl_; }

 private:
  HttpConnectionPool* pool_;
  CURL* curl_;
};

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto found = headers.find(lower_name);
  return found == headers.end() ? std::string() : found->second;
}

void InitHttp() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

StatusOr<HttpResponse> PerformHttp(const HttpRequest& request, const TlsOptions& tls,
                                   HttpConnectionPool* pool) {
  InitHttp();
  Handle handle(pool);
  CURL* c = handle.get();
  if (!c) return Internal("curl_easy_init failed");
  HttpResponse response;
  Exchange exchange{&request, &response, c};
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, request.max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_seconds);
  if (request.timeout_seconds > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_seconds);
  // A stalled transfer (a peer killed mid-transfer, half-open) is cut after 30 s under 1 byte/s.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "boxcar/0.1");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, kBufferBytes);
  if (request.want_file_time) curl_easy_setopt(c, CURLOPT_FILETIME, 1L);
  if (!tls.ca_file.empty()) {
    // Added to the system's CAs (OpenSSL reads both the bundle path and this file).
    curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }

  const bool streamed = static_cast<bool>(request.body_source);
  const bool from_file = !streamed && request.body_fd >= 0;
  const bool has_body = streamed || from_file || !request.body.empty() ||
                        request.method == "PUT" || request.method == "POST" ||
                        request.method == "PATCH";
  curl_slist* list = nullptr;
  for (const auto& header : request.headers) list = curl_slist_append(list, header.c_str());
  if (streamed) list = curl_slist_append(list, "Transfer-Encoding: chunked");
  // No "Expect: 100-continue" round trip before a body.
  if (has_body) list = curl_slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, SlistDeleter> headers(list);
  if (list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);

  if (streamed || from_file) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &exchange);
    curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, kBufferBytes);
    if (from_file) {
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_length));
    }
    // UPLOAD makes it a PUT; keep the method asked for.
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (has_body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST")
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl_easy_perform(c);
  const std::string what = request.method + " " + UrlForMessages(request.url);
  if (exchange.cancelled) return Status(StatusCode::kCancelled, what + ": cancelled");
  if (!exchange.sink_failure.ok()) return exchange.sink_failure;
  if (!exchange.read_failure.ok()) return exchange.read_failure.Annotate(what);
  if (code != CURLE_OK) {
    std::string reason = curl_easy_strerror(code);
    // curl's own words often name the host, port or certificate: kept after its reason.
    if (error[0] != '\0' && reason != error) reason += std::string(" (") + error + ")";
    const bool untrusted = code == CURLE_PEER_FAILED_VERIFICATION ||
                           code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ISSUER_ERROR;
    if (untrusted && !tls.untrusted_hint.empty()) reason += "; " + tls.untrusted_hint;
    return Unavailable(what + ": " + reason);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  if (request.want_file_time) {
    curl_off_t file_time = -1;
    if (curl_easy_getinfo(c, CURLINFO_FILETIME_T, &file_time) == CURLE_OK)
      response.file_time = static_cast<int64_t>(file_time);
  }
  return response;
}

}  // namespace boxcar
