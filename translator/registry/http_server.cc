#include "registry/http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>
#include <thread>

#include "registry/tls_context.h"

namespace boxcar::registry {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kPiece = 256 * 1024;
constexpr uint64_t kDrainLimit = 1 << 20;  // an unread body up to this is skipped, else close
constexpr int kIdleSeconds = 300;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status SocketError(const char* what, const beast::error_code& ec) {
  return Unavailable(std::string("http: ") + what + ": " + ec.message());
}

// On `Stream`: the TCP socket itself, or a TLS stream over it (`socket` is then its lowest
// layer, for shutdowns).
template <typename Stream>
class BeastExchange : public HttpExchange {
 public:
  BeastExchange(Stream& stream, tcp::socket& socket, beast::flat_buffer& buffer,
                http::request_parser<http::buffer_body>& parser, const std::string& peer,
                bool secure)
      : io_(stream),
        socket_(socket),
        buffer_(buffer),
        parser_(parser),
        peer_(peer),
        secure_(secure) {
    const auto& req = parser_.get();
    method_ = std::string(req.method_string());
    std::string target(req.target());
    const size_t q = target.find('?');
    path_ = PercentDecode(target.substr(0, q));
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      size_t start = 0;
      while (start <= rest.size()) {
        size_t amp = rest.find('&', start);
        std::string pair = rest.substr(start, amp == std::string::npos ? amp : amp - start);
        if (!pair.empty()) {
          size_t eq = pair.find('=');
          std::string key = PercentDecode(pair.substr(0, eq));
          std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
          for (char& c : value) {
            if (c == '+') c = ' ';
          }
          query_.emplace(key, PercentDecode(value));
        }
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
  }

  const std::string& method() const override { return method_; }
  const std::string& path() const override { return path_; }
  const std::multimap<std::string, std::string>& query() const override { return query_; }
  const std::string& peer() const override { return peer_; }
  bool secure() const override { return secure_; }
  std::string Header(const std::string& name) const override {
    auto it = parser_.get().find(name);
    return it == parser_.get().end() ? std::string() : std::string(it->value());
  }
  int64_t ContentLength() const override {
    auto length = parser_.content_length();
    return length ? static_cast<int64_t>(*length) : -1;
  }
  bool broken() const { return broken_; }
  bool body_done() const { return parser_.is_done(); }

  Status ReadBody(const std::function<Status(const char*, size_t)>& sink, uint64_t limit) override {
    if (!continued_ && beast::iequals(Header("Expect"), "100-continue") && !parser_.is_done()) {
      continued_ = true;
      http::response<http::empty_body> cont{http::status::continue_, 11};
      beast::error_code ec;
      http::write(io_, cont, ec);
      if (ec) return Fail("writing 100 Continue", ec);
    }
    std::string piece(kPiece, '\0');
    uint64_t total = 0;
    while (!parser_.is_done()) {
      parser_.get().body().data = piece.data();
      parser_.get().body().size = piece.size();
      beast::error_code ec;
      http::read(io_, buffer_, parser_, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return Fail("reading the request body", ec);
      const size_t n = piece.size() - parser_.get().body().size;
      total += n;
      if (total > limit) {
        broken_ = true;  // the rest is not read: the connection closes after the answer
        return ResourceExhausted("the request body is larger than " + std::to_string(limit) +
                                 " bytes");
      }
      if (n > 0) RETURN_IF_ERROR(sink(piece.data(), n));
    }
    return OkStatus();
  }

  Status Respond(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                 const std::string& body) override {
    responded_ = true;
    status_ = status;
    beast::error_code ec;
    if (method_ == "HEAD") {
      http::response<http::empty_body> res{static_cast<http::status>(status), 11};
      Headers(res, headers);
      res.set(http::field::content_length, std::to_string(body.size()));
      http::response_serializer<http::empty_body> sr{res};
      http::write_header(io_, sr, ec);
    } else {
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      Headers(res, headers);
      res.body() = body;
      res.prepare_payload();
      http::write(io_, res, ec);
    }
    if (ec) return Fail("writing the answer", ec);
    return OkStatus();
  }

  Status StartStream(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                     uint64_t length) override {
    responded_ = true;
    status_ = status;
    stream_ =
        std::make_unique<http::response<http::buffer_body>>(static_cast<http::status>(status), 11);
    Headers(*stream_, headers);
    stream_->set(http::field::content_length, std::to_string(length));
    stream_->body().data = nullptr;
    stream_->body().more = method_ != "HEAD";
    serializer_ = std::make_unique<http::response_serializer<http::buffer_body>>(*stream_);
    beast::error_code ec;
    http::write_header(io_, *serializer_, ec);
    if (ec) return Fail("writing the answer's headers", ec);
    return OkStatus();
  }

  Status Write(const char* bytes, size_t size) override {
    if (method_ == "HEAD" || size == 0) return OkStatus();
    stream_->body().data = const_cast<char*>(bytes);
    stream_->body().size = size;
    stream_->body().more = true;
    beast::error_code ec;
    http::write(io_, *serializer_, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Fail("writing the answer's body", ec);
    return OkStatus();
  }

  Status FinishStream() override {
    if (method_ == "HEAD") return OkStatus();
    stream_->body().data = nullptr;
    stream_->body().size = 0;
    stream_->body().more = false;
    beast::error_code ec;
    http::write(io_, *serializer_, ec);
    if (ec) return Fail("finishing the answer's body", ec);
    return OkStatus();
  }

  bool responded() const override { return responded_; }
  int status() const override { return status_; }
  void Abort() override {
    broken_ = true;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
  }
  bool keep_alive() const { return parser_.get().keep_alive(); }

 private:
  template <typename Response>
  void Headers(Response& res, const std::vector<std::pair<std::string, std::string>>& headers) {
    res.set(http::field::server, "boxcar-registry");
    res.set("Docker-Distribution-API-Version", "registry/2.0");
    for (const auto& [name, value] : headers) res.set(name, value);
    res.keep_alive(keep_alive() && !broken_);
  }
  Status Fail(const char* what, const beast::error_code& ec) {
    broken_ = true;
    return SocketError(what, ec);
  }

  Stream& io_;
  tcp::socket& socket_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  const std::string& peer_;
  const bool secure_;
  std::string method_;
  std::string path_;
  std::multimap<std::string, std::string> query_;
  bool continued_ = false;
  bool responded_ = false;
  int status_ = 0;
  bool broken_ = false;
  std::unique_ptr<http::response<http::buffer_body>> stream_;
  std::unique_ptr<http::response_serializer<http::buffer_body>> serializer_;
};

// Requests of one connection until it closes or a handler leaves it unusable.
template <typename Stream>
void ServeRequests(Stream& stream, tcp::socket& socket, const HttpHandler& handler,
                   const std::string& peer, bool secure) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  while (true) {
    http::request_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read_header(stream, buffer, parser, ec);
    if (ec) break;
    BeastExchange<Stream> exchange(stream, socket, buffer, parser, peer, secure);
    const auto started = std::chrono::steady_clock::now();
    handler(exchange);
    if (!exchange.responded()) (void)exchange.Respond(500, {}, "");
    // One line per request; the query is left out (it may carry a mount source, never a
    // secret, but /token's account names users).
    spdlog::debug(
        "{} {} {} {} {:.1f} ms", peer, exchange.method(), exchange.path(), exchange.status(),
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (exchange.broken() || !exchange.keep_alive()) break;
    if (!exchange.body_done()) {
      Status drained =
          exchange.ReadBody([](const char*, size_t) { return OkStatus(); }, kDrainLimit);
      if (!drained.ok()) break;
    }
  }
}

// A TLS port spoken to in plain HTTP (the first byte is no TLS handshake record): one
// plain answer saying so, as Go's servers do, so a client (curl http://, the agent probing
// loopback registries over HTTP first) gets a clear 400 instead of a reset or garbage.
void RefusePlainHttp(tcp::socket& socket, const std::string& peer) {
  const std::string body = "plain HTTP request on the TLS port of boxcar-registry: use https://\n";
  const std::string answer =
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  beast::error_code ec;
  asio::write(socket, asio::buffer(answer), ec);
  // The request is read and dropped after our FIN: closing with it unread would reset the
  // connection, and the client could lose the answer.
  ::shutdown(socket.native_handle(), SHUT_WR);
  timeval brief{2, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &brief, sizeof brief);
  char sink[4096];
  for (size_t total = 0; total < 65536;) {
    const ssize_t n = ::recv(socket.native_handle(), sink, sizeof sink, 0);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
  spdlog::debug("{}: plain HTTP on the TLS port, answered 400", peer);
}

void ServeConnection(tcp::socket socket, HttpHandler handler, std::shared_ptr<ssl::context> tls) {
  timeval idle{kIdleSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof idle);
  beast::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  const std::string peer =
      ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  if (!tls) {
    ServeRequests(socket, socket, handler, peer, false);
  } else {
    unsigned char first = 0;
    const ssize_t peeked = ::recv(socket.native_handle(), &first, 1, MSG_PEEK);
    if (peeked == 1 && !LooksLikeTlsHandshake(first)) {
      RefusePlainHttp(socket, peer);
    } else if (peeked == 1) {
      ssl::stream<tcp::socket> stream(std::move(socket), *tls);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) {
        spdlog::debug("{}: TLS handshake failed: {}", peer, ec.message());
      } else {
        ServeRequests(stream, stream.next_layer(), handler, peer, true);
      }
      // No close_notify exchange: every answer is delimited by its Content-Length.
      stream.next_layer().shutdown(tcp::socket::shutdown_both, ec);
      stream.next_layer().close(ec);
      return;
    }
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

std::string PercentDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string HttpExchange::QueryValue(const std::string& name) const {
  auto it = query().find(name);
  return it == query().end() ? std::string() : it->second;
}

Status HttpExchange::ReadBodyToString(std::string* body, uint64_t limit) {
  return ReadBody(
      [body](const char* bytes, size_t size) {
        body->append(bytes, size);
        return OkStatus();
      },
      limit);
}

struct HttpServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  std::shared_ptr<ssl::context> tls;  // null: plain HTTP
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() = default;

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Listen(const std::string& address, uint16_t port,
                                                         const TlsFiles& tls) {
  auto impl = std::make_unique<Impl>();
  if (tls.enabled() || !tls.key_file.empty()) {
    ASSIGN_OR_RETURN(impl->tls, LoadServerTlsContext(tls.cert_file, tls.key_file));
  }
  beast::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) return InvalidArgument("listen address '" + address + "': " + ec.message());
  tcp::endpoint endpoint(ip, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("listening on " + address + ":" + std::to_string(port) + ": " +
                       ec.message());
  }
  const uint16_t bound = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound));
}

void HttpServer::Serve(const HttpHandler& handler) {
  while (!impl_->stopping) {
    tcp::socket socket(impl_->io);
    beast::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec) {
      if (impl_->stopping) break;
      continue;
    }
    std::thread(ServeConnection, std::move(socket), handler, impl_->tls).detach();
  }
}

void HttpServer::Stop() {
  impl_->stopping = true;
  // shutdown(2) wakes the thread blocked in accept(2); close() alone would not.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
}

}  // namespace boxcar::registry
