// A loopback HTTP/1.1 server for unit tests of HTTP clients, and the raw answers it sends.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boxcar {

// A loopback HTTP/1.1 server on threads of its own: each request (Content-Length or chunked
// body) is answered with the raw response its handler returns; connections are kept alive
// unless the response says "Connection: close". Counts the connections it accepted.
class TestHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };
  using Handler = std::function<std::string(const Request&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }

  ~TestHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& thread : connection_threads_) thread.join();
    ::close(listen_fd_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_.load(); }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void Accept() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      ++connections_;
      std::lock_guard<std::mutex> lock(mutex_);
      open_fds_.push_back(fd);
      connection_threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Reads until `buffer` holds `size` bytes; false at the end of the stream.
  static bool Fill(int fd, std::string& buffer, size_t size) {
    char chunk[65536];
    while (buffer.size() < size) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }
  static bool FillUntil(int fd, std::string& buffer, const std::string& marker, size_t from) {
    while (buffer.find(marker, from) == std::string::npos) {
      if (!Fill(fd, buffer, buffer.size() + 1)) return false;
    }
    return true;
  }

  void Serve(int fd) {
    std::string buffer;
    for (;;) {
      if (!FillUntil(fd, buffer, "\r\n\r\n", 0)) break;
      size_t head_end = buffer.find("\r\n\r\n");
      std::string head = buffer.substr(0, head_end);
      buffer.erase(0, head_end + 4);
      Request request;
      size_t line_end = head.find("\r\n");
      std::string line = head.substr(0, line_end);
      request.method = line.substr(0, line.find(' '));
      request.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
      size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
      while (at < head.size()) {
        size_t end = head.find("\r\n", at);
        if (end == std::string::npos) end = head.size();
        std::string header = head.substr(at, end - at);
        size_t colon = header.find(':');
        std::string name = header.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = header.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        request.headers[name] = value;
        at = end + 2;
      }
      if (request.headers.count("content-length")) {
        size_t length = std::stoul(request.headers["content-length"]);
        if (!Fill(fd, buffer, length)) break;
        request.body = buffer.substr(0, length);
        buffer.erase(0, length);
      } else if (request.headers["transfer-encoding"] == "chunked") {
        for (;;) {
          if (!FillUntil(fd, buffer, "\r\n", 0)) return Close(fd);
          size_t size_end = buffer.find("\r\n");
          size_t size = std::stoul(buffer.substr(0, size_end), nullptr, 16);
          buffer.erase(0, size_end + 2);
          if (!Fill(fd, buffer, size + 2)) return Close(fd);
          request.body += buffer.substr(0, size);
          buffer.erase(0, size + 2);
          if (size == 0) break;
        }
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }
      std::string response = handler_(request);
      size_t sent = 0;
      while (sent < response.size()) {
        ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return Close(fd);
        sent += static_cast<size_t>(n);
      }
      if (response.find("Connection: close") != std::string::npos) break;
    }
    Close(fd);
  }

  void Close(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase(open_fds_, fd);
    ::close(fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::vector<Request> requests_;
};

inline std::string Answer(int status, const std::string& body,
                          const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
         body;
}

}  // namespace boxcar
