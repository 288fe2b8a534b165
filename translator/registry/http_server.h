// The registry's HTTP/1.1 server (Boost.Beast, synchronous, one thread per connection), plain
// or over TLS (boost::asio::ssl on OpenSSL, tls_context.h).
// Beast parses into a caller-supplied buffer (buffer_body), so request bodies go to the
// upload file and Glance's download goes to the socket in 256 KiB pieces: a blob of any size
// is never held in memory. Keep-alive is kept unless a handler left a body unread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::registry {

// One request and its answer, handed to the handler. The answer is either whole (Respond)
// or streamed (StartStream, Write..., FinishStream).
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual const std::string& method() const = 0;
  // The path, percent-decoded, without the query.
  virtual const std::string& path() const = 0;
  // Decoded query parameters (a repeated name keeps every value, in order).
  virtual const std::multimap<std::string, std::string>& query() const = 0;
  std::string QueryValue(const std::string& name) const;
  // "" when absent; name case-insensitive.
  virtual std::string Header(const std::string& name) const = 0;
  // The peer's address, for logs.
  virtual const std::string& peer() const = 0;
  // True on a TLS connection ("https" in URLs the registry hands out).
  virtual bool secure() const = 0;
  // Content-Length of the request, or -1 (chunked or none).
  virtual int64_t ContentLength() const = 0;

  // Reads the whole request body in pieces into `sink`; more than `limit` bytes is
  // kResourceExhausted. Sends "100 Continue" first when the client asked for it.
  virtual Status ReadBody(const std::function<Status(const char*, size_t)>& sink,
                          uint64_t limit) = 0;
  Status ReadBodyToString(std::string* body, uint64_t limit);

  // A whole answer. `headers` are "Name", "value" pairs.
  virtual Status Respond(int status,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& body) = 0;
  // Headers with Content-Length `length`, then Write()s of exactly that many bytes.
  // For HEAD, only the headers go out and Write is a no-op.
  virtual Status StartStream(int status,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             uint64_t length) = 0;
  virtual Status Write(const char* bytes, size_t size) = 0;
  virtual Status FinishStream() = 0;
  virtual bool responded() const = 0;
  // The status sent (0 before an answer).
  virtual int status() const = 0;
  // After a streamed answer failed midway: the connection closes, so the client sees a short
  // body instead of a complete-looking one.
  virtual void Abort() = 0;
};

using HttpHandler = std::function<void(HttpExchange&)>;

// PEM files of the server's certificate (chain) and private key; both empty: plain HTTP.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  bool enabled() const { return !cert_file.empty(); }
};

class HttpServer {
 public:
  // Binds `address`:`port` (port 0: any free port; see port()). With `tls` enabled the
  // certificate and key are loaded (and checked to match) here, so a bad file stops the
  // start; every connection then speaks TLS, and a plain HTTP request on it is answered
  // "400 plain HTTP request on the TLS port" and closed.
  static StatusOr<std::unique_ptr<HttpServer>> Listen(const std::string& address, uint16_t port,
                                                      const TlsFiles& tls = {});
  ~HttpServer();
  uint16_t port() const { return port_; }
  // Accepts until Stop(); each connection on a thread of its own.
  void Serve(const HttpHandler& handler);
  // From any thread or a signal-watching thread: the accept loop ends.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

std::string PercentDecode(const std::string& text);

}  // namespace boxcar::registry
