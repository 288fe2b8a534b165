#include "net/port_table.h"

#include <arpa/inet.h>
#include <errno.h>
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

// bind(2) of 127.0.0.1:port with SO_REUSEADDR, as a server would: 0 or the errno.
int BindAsAServer(int type, uint32_t port) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  int result = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
  if (result == 0 && type == SOCK_STREAM && ::listen(fd, 1) != 0) result = errno;
  ::close(fd);
  return result;
}

TEST(PortTableTest, AClaimHoldsItsPortUntilReleased) {
  PortTable table;
  for (auto [protocol, type] :
       {std::pair<const char*, int>{"tcp", SOCK_STREAM}, {"udp", SOCK_DGRAM}}) {
    SCOPED_TRACE(protocol);
    auto picked = table.Claim("a", "127.0.0.1", protocol, 0, "ports[0]");
    ASSERT_TRUE(picked.ok()) << picked.status().message();
    EXPECT_EQ(BindAsAServer(type, *picked), EADDRINUSE);
    table.Release("a", "127.0.0.1", protocol, *picked);
    EXPECT_EQ(BindAsAServer(type, *picked), 0);
    // A port given, not picked, is held the same way.
    ASSERT_TRUE(table.Claim("a", "127.0.0.1", protocol, *picked, "ports[0]").ok());
    EXPECT_EQ(BindAsAServer(type, *picked), EADDRINUSE);
    table.Release("a", "127.0.0.1", protocol, *picked);
    EXPECT_EQ(BindAsAServer(type, *picked), 0);
  }
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
