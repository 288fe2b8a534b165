#include "net/port_table.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace boxcar {

namespace {

// A socket of `protocol` bound to host_ip:port (0 = any free one), to be held while the port
// is published.
// NOTE: Linux lets two sockets bind one port when both set SO_REUSEADDR and neither listens.
// A TCP socket sets it (so a port whose last connections are in TIME_WAIT is not "in use")
// and listens, which keeps every other socket off the port; nothing reaches it, as the DNAT
// takes every connection to a local address first. A UDP socket has no TIME_WAIT to pass and
// sets no SO_REUSEADDR, which is what keeps others off it.
StatusOr<UniqueFd> BindHostPort(const std::string& host_ip, const std::string& protocol,
                                uint32_t port) {
  const bool udp = protocol == "udp";
  UniqueFd fd(::socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus("socket");
  if (!udp) {
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (!host_ip.empty()) ::inet_pton(AF_INET, host_ip.c_str(), &address.sin_addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return ErrnoStatus("bind");
  }
  if (!udp && ::listen(fd.get(), 1) != 0) return ErrnoStatus("listen");
  return fd;
}

uint32_t BoundPort(const UniqueFd& fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

std::string Describe(const std::string& host_ip, uint32_t port, const std::string& protocol) {
  return (host_ip.empty() ? "0.0.0.0" : host_ip) + ":" + std::to_string(port) + "/" + protocol;
}

}  // namespace

StatusOr<uint32_t> PortTable::Claim(const std::string& container_id, const std::string& host_ip,
                                    const std::string& protocol, uint32_t host_port,
                                    const std::string& field) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int attempt = 0; attempt < 20; ++attempt) {
    uint32_t port = host_port;
    UniqueFd held;
    if (port == 0) {
      auto picked = BindHostPort(host_ip, protocol, 0);
      if (!picked.ok()) return picked.status().Annotate(field + ": pick a free host port");
      held = std::move(*picked);
      port = BoundPort(held);
    }
    bool taken = false;
    auto range = claims_.equal_range({protocol, port});
    for (auto it = range.first; it != range.second; ++it) {
      const Claimant& other = it->second;
      if (other.host_ip.empty() || host_ip.empty() || other.host_ip == host_ip) {
        if (host_port != 0) {
          return FailedPrecondition(field + ": host port " + Describe(host_ip, port, protocol) +
                                    " is already published by container " +
                                    other.container_id.substr(0, 12));
        }
        taken = true;
      }
    }
    if (taken) continue;
    if (host_port != 0) {
      auto bound = BindHostPort(host_ip, protocol, port);
      if (!bound.ok()) {
        return FailedPrecondition(field + ": host port " + Describe(host_ip, port, protocol) +
                                  " is not free on the host (" + bound.status().message() + ")");
      }
      held = std::move(*bound);
    }
    claims_.emplace(std::make_pair(protocol, port),
                    Claimant{container_id, host_ip, std::move(held)});
    return port;
  }
  return ResourceExhausted(field + ": no free host port found");
}

void PortTable::Release(const std::string& container_id, const std::string& host_ip,
                        const std::string& protocol, uint32_t host_port) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto range = claims_.equal_range({protocol, host_port});
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.container_id == container_id && it->second.host_ip == host_ip) {
      claims_.erase(it);
      return;
    }
  }
}

}  // namespace boxcar
