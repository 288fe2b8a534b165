#include "distribution/registry/http_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <mutex>

#include "openstack/http_header_line.h"

namespace boxcar {

namespace {

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
  uint64_t body_sent = 0;
  bool sink_refused = false;
  Status read_failure;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string line(data, size * count);
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
  long status = 0;
  curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
  const size_t bytes = size * count;
  if (exchange->request->body_sink && status >= 200 && status < 300) {
    if (!exchange->request->body_sink(status, data, bytes)) {
      exchange->sink_refused = true;
      return 0;
    }
    return bytes;
  }
  // Error bodies are short JSON; keep at most 1 MiB of anything.
  if (exchange->response->body.size() < (1u << 20)) exchange->response->body.append(data, bytes);
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const HttpRequest& request = *exchange->request;
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
  return exchange->request->cancelled && exchange->request->cancelled() ? 1 : 0;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

void InitHttp() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

StatusOr<HttpResponse> PerformHttp(const HttpRequest& request, const TlsOptions& tls) {
  InitHttp();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  HttpResponse response;
  Exchange exchange{&request, &response, curl.get()};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  // A stalled transfer (a peer that stopped sending) is cut after 30 s under 1 byte/s.
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
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  if (!tls.ca_file.empty()) {
    // Added to the system's CAs (OpenSSL reads both the bundle path and this file).
    curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  curl_slist* list = nullptr;
  for (const auto& header : request.headers) list = curl_slist_append(list, header.c_str());
  const bool has_body = request.body_fd >= 0 || !request.body.empty() || request.method == "PUT" ||
                        request.method == "POST" || request.method == "PATCH";
  if (has_body) list = curl_slist_append(list, "Expect:");
  headers.reset(list);
  if (list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (has_body) {
    if (request.body_fd >= 0) {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
      curl_easy_setopt(c, CURLOPT_READDATA, &exchange);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_length));
      // UPLOAD makes it a PUT; keep the method asked for.
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    if (code == CURLE_ABORTED_BY_CALLBACK)
      return Status(StatusCode::kCancelled, request.method + " " + request.url + ": cancelled");
    if (exchange.sink_refused)
      return Status(StatusCode::kAborted,
                    request.method + " " + request.url + ": the receiver stopped the transfer");
    if (!exchange.read_failure.ok())
      return exchange.read_failure.Annotate(request.method + " " + request.url);
    return Unavailable(request.method + " " + request.url + ": " + curl_easy_strerror(code));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string Base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string UrlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace boxcar
