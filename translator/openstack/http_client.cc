#include "openstack/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "openstack/http_header_line.h"

namespace boxcar::openstack {
namespace {

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  Status callback_status;  // why a callback stopped the transfer
  bool cancelled = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) exchange->response->headers.clear();  // 100-continue, redirects
  std::string name, value;
  if (ParseHttpHeaderLine(line, &name, &value)) exchange->response->headers[name] = value;
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  const long status = exchange->response->status;
  const long wanted = exchange->request->sink_status;
  if (exchange->request->body_sink && (wanted ? status == wanted : status / 100 == 2)) {
    Status st = exchange->request->body_sink(data, bytes);
    if (!st.ok()) {
      exchange->callback_status = st;
      return 0;  // aborts with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  exchange->response->body.append(data, bytes);
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  int64_t n = exchange->request->body_source(buffer, size * count);
  if (n < 0) return CURL_READFUNC_ABORT;
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

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

StatusOr<HttpResponse> PerformHttp(const HttpRequest& request) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  HttpResponse response;
  Exchange exchange{&request, &response, OkStatus()};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_seconds);
  if (request.timeout_seconds > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_seconds);
  // A stalled server (killed mid-transfer, half-open) fails after 30 s below 1 byte/s.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  for (const auto& h : request.headers) add_header(h);
  if (request.body_source) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &exchange);
    add_header("Transfer-Encoding: chunked");
    add_header("Expect:");
    curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  } else if (!request.body.empty() || request.method == "POST" || request.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  // The status is known before the first body byte reaches OnBody: curl calls the header
  // callback for the status line first; fetch it there lazily through CURLINFO.
  struct StatusPeek {
    static size_t OnHeaderWithStatus(char* data, size_t size, size_t count, void* user) {
      auto* exchange = static_cast<Exchange*>(user);
      std::string line(data, size * count);
      if (line.rfind("HTTP/", 0) == 0) {
        auto space = line.find(' ');
        if (space != std::string::npos) exchange->response->status = std::atol(line.c_str() + space + 1);
      }
      return OnHeader(data, size, count, user);
    }
  };
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, StatusPeek::OnHeaderWithStatus);
  CURLcode rc = curl_easy_perform(c);
  if (exchange.cancelled) return Status(StatusCode::kCancelled, request.method + " " + request.url + ": cancelled");
  if (!exchange.callback_status.ok()) return exchange.callback_status;
  if (rc != CURLE_OK) {
    return Unavailable(request.method + " " + request.url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace boxcar::openstack
