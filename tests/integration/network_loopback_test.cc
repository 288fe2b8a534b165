// The host's loopback addresses stay the host's: the bridges have route_localnet (so that the
// host's own 127.0.0.1 can reach a published port), but a frame addressed to 127.0.0.1 that a
// container (or another machine) sends to the bridge must reach neither a service the host
// binds to 127.0.0.1 nor a port published on 127.0.0.1 only (as Kubernetes' CVE-2020-8558
// and moby#45610). The frames are built by hand on an AF_PACKET socket in the container's
// network namespace, as code in a container with its default capabilities (NET_RAW) can.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

// argv: interface, source MAC, destination MAC, source IP, destination IP, UDP port, payload.
constexpr const char* kSendFrame = R"py(
import socket, struct, sys
ifname, src_mac, dst_mac, src_ip, dst_ip, dport, payload = sys.argv[1:8]
mac = lambda m: bytes(int(x, 16) for x in m.split(':'))
data = payload.encode()
udp = struct.pack('!HHHH', 40000, int(dport), 8 + len(data), 0) + data
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                 socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
s = sum(struct.unpack('!10H', ip)); s = (s >> 16) + (s & 0xffff); s += s >> 16
ip = ip[:10] + struct.pack('!H', ~s & 0xffff) + ip[12:]
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((ifname, 0))
for _ in range(3):
    sock.send(mac(dst_mac) + mac(src_mac) + b'\x08\x00' + ip + udp)
)py";

class NetworkLoopbackTest : public NetworkTest {
 protected:
  // The listeners (one holds a container's network namespace) go before the leak checks.
  void TearDown() override {
    Shell("pkill -f " + std::string(kReceived) + " ; true");
    NetworkTest::TearDown();
  }

  static constexpr const char* kReceived = "loopback-guard-received";

  // `command` in the agent's namespace (no single quotes: RunIn wraps it in them).
  std::string Shell(const std::string& command) {
    return namespaces_->RunIn(namespaces_->agent(), command).out;
  }

  // The host pid of `container`'s payload.
  std::string PidOf(const std::string& container) {
    CommandResult inspected = agent_.Cli({"inspect", container});
    std::smatch pid;
    EXPECT_TRUE(std::regex_search(inspected.out, pid, std::regex("\"pid\": *([1-9][0-9]*)")))
        << inspected.out;
    return pid.empty() ? "0" : pid[1].str();
  }

  // Sends `payload` to 127.0.0.1:`port` from `container`'s eth0, to the bridge's MAC.
  void SendToLoopbackFrom(const std::string& container, int port, const std::string& payload) {
    std::string script = agent_.work_dir() + "/send_frame.py";
    std::ofstream(script) << kSendFrame;
    const std::string in_container = "nsenter -t " + PidOf(container) + " -n ";
    std::string own_mac = Shell(in_container + "ip -o link show eth0");
    std::smatch mac;
    ASSERT_TRUE(std::regex_search(own_mac, mac, std::regex("link/ether ([0-9a-f:]{17})")))
        << own_mac;
    std::string own_ip = Shell(in_container + "ip -o -4 addr show eth0");
    std::smatch ip;
    ASSERT_TRUE(std::regex_search(own_ip, ip, std::regex("inet ([0-9.]+)/"))) << own_ip;
    std::string bridge = Shell("ip -o -4 addr show | grep \" inet 10.201.0.1/\" | cut -d\" \" -f2");
    std::string bridge_link = Shell("ip -o link show dev " + bridge.substr(0, bridge.find('\n')));
    std::smatch gateway_mac;
    ASSERT_TRUE(
        std::regex_search(bridge_link, gateway_mac, std::regex("link/ether ([0-9a-f:]{17})")))
        << bridge_link;
    CommandResult sent = namespaces_->RunIn(
        namespaces_->agent(), in_container + "python3 " + script + " eth0 " + mac[1].str() + " " +
                                  gateway_mac[1].str() + " " + ip[1].str() + " 127.0.0.1 " +
                                  std::to_string(port) + " " + payload);
    ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  }
};

TEST_F(NetworkLoopbackTest, AContainerCannotReachTheHostsLoopbackServices) {
  const std::string received = agent_.work_dir() + "/" + kReceived;
  // A service of the host bound to 127.0.0.1 only.
  Shell("(timeout 6 socat -u UDP-RECV:9999,bind=127.0.0.1 OPEN:" + received +
        ",creat,append > /dev/null 2>&1 &); sleep 0.5");
  RunDetached({"--network", "tnet", "--name", "attacker"}, {"sleep", "60"});
  SendToLoopbackFrom("attacker", 9999, "injected-from-a-container");
  // The host's own client still reaches it (the check is not blind).
  Shell("echo from-the-host | socat -u - UDP-SENDTO:127.0.0.1:9999; sleep 1");
  std::string got = Shell("cat " + received);
  EXPECT_NE(got.find("from-the-host"), std::string::npos) << got;
  EXPECT_EQ(got.find("injected"), std::string::npos) << got;
}

TEST_F(NetworkLoopbackTest, APortPublishedOnLoopbackIsNotReachableThroughTheBridge) {
  const std::string received = agent_.work_dir() + "/" + kReceived;
  RunDetached({"--network", "tnet", "--name", "local-only", "-p", "127.0.0.1:5454:53/udp"},
              {"sleep", "60"});
  // Its service: a UDP listener in its network namespace (busybox's nc has no UDP).
  Shell("(nsenter -t " + PidOf("local-only") + " -n timeout 6 socat -u UDP-RECV:53 OPEN:" +
        received + ",creat,append > /dev/null 2>&1 &); sleep 0.5");
  RunDetached({"--network", "tnet", "--name", "attacker"}, {"sleep", "60"});
  SendToLoopbackFrom("attacker", 5454, "injected-through-the-bridge");
  // The host itself reaches the port (the check is not blind).
  Shell("echo from-the-host | socat -u - UDP-SENDTO:127.0.0.1:5454; sleep 1");
  std::string got = Shell("cat " + received);
  EXPECT_NE(got.find("from-the-host"), std::string::npos) << got;
  EXPECT_EQ(got.find("injected"), std::string::npos) << got;
}

}  // namespace
}  // namespace boxcar::testing
