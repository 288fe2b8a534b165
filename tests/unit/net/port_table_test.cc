#include "net/port_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace boxcar {
namespace {

// A TCP listener on 127.0.0.1, port picked by the kernel.
struct Listener {
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd, 1);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd); }
  int fd;
  uint32_t port;
};

TEST(PortTableTest, PicksFreePortsAndRefusesASecondClaim) {
  PortTable table;
  auto picked = table.Claim("a", "", "tcp", 0, "ports[0]");
  ASSERT_TRUE(picked.ok()) << picked.status().message();
  EXPECT_GT(*picked, 0u);
  auto again = table.Claim("b", "", "tcp", *picked, "ports[1]");
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("ports[1]: host port 0.0.0.0:"), std::string::npos)
      << again.status().message();
  // One address against every address conflicts too; another protocol does not.
  EXPECT_FALSE(table.Claim("b", "127.0.0.1", "tcp", *picked, "p").ok());
  EXPECT_TRUE(table.Claim("b", "", "udp", *picked, "p").ok());
  table.Release("a", "", "tcp", *picked);
  EXPECT_TRUE(table.Claim("b", "", "tcp", *picked, "p").ok());
}

TEST(PortTableTest, RefusesAPortAHostProcessHasBound) {
  Listener listener;
  PortTable table;
  auto claimed = table.Claim("a", "127.0.0.1", "tcp", listener.port, "spec.network.ports[0]");
  EXPECT_EQ(claimed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(claimed.status().message().find("not free on the host"), std::string::npos)
      << claimed.status().message();
}

}  // namespace
}  // namespace boxcar
