// Published ports beyond the DNAT itself: a client's flow follows the port to the container
// that publishes it now (conntrack entries of the old one go), and the host port is held while
// it is published (and again after the agent's kill -9).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

// Datagrams that reached the UDP layer of `container`'s network namespace: delivered, or
// refused for want of a socket (busybox has no UDP server; the kernel counts them all).
long UdpDatagramsIn(AgentHarness& agent, const std::string& container) {
  CommandResult snmp = agent.Cli({"exec", container, "cat", "/proc/net/snmp"});
  std::istringstream lines(snmp.out);
  std::vector<std::string> header;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Udp: ", 0) != 0) continue;
    std::istringstream fields(line.substr(5));
    std::vector<std::string> values;
    for (std::string field; fields >> field;) values.push_back(field);
    if (header.empty()) {
      header = values;
      continue;
    }
    long total = 0;
    for (size_t i = 0; i < header.size() && i < values.size(); ++i) {
      if (header[i] == "InDatagrams" || header[i] == "NoPorts")
        total += std::atol(values[i].c_str());
    }
    return total;
  }
  return -1;
}

// Polls `count` for up to 5 s until it exceeds `floor`; its last value.
long GrowsBeyond(const std::function<long()>& count, long floor) {
  long now = count();
  for (int i = 0; i < 50 && now <= floor; ++i) {
    usleep(100 * 1000);
    now = count();
  }
  return now;
}

class PublishedPortsTest : public NetworkTest {
 protected:
  // A client in the remote namespace sending a datagram every 50 ms to the agent side's
  // `port`, always from source port 40000 (one conntrack entry, kept alive), until killed.
  void StartUdpClient(int port) {
    const std::string script = agent_.work_dir() + "/udp_client.py";
    std::ofstream(script) << "import socket, time\n"
                             "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                             "s.bind((\"0.0.0.0\", 40000))\n"
                             "while True:\n"
                             "    try:\n"
                             "        s.sendto(b\"ping\", (\""
                          << kAgentSideAddress << "\", " << port
                          << "))\n"
                             "    except OSError:\n"
                             "        pass\n"
                             "    time.sleep(0.05)\n";
    client_pid_file_ = agent_.work_dir() + "/udp_client.pid";
    CommandResult started = namespaces_->RunIn(
        namespaces_->remote(),
        "python3 " + script + " >/dev/null 2>&1 & echo $! > " + client_pid_file_);
    ASSERT_EQ(started.exit_code, 0) << started.out;
  }
  void TearDown() override {
    if (!client_pid_file_.empty()) {
      namespaces_->RunIn(namespaces_->remote(), "kill $(cat " + client_pid_file_ + ")");
    }
    NetworkTest::TearDown();
  }
  std::string client_pid_file_;
};

TEST_F(PublishedPortsTest, UdpFlowFromAFixedPortReachesTheContainerThatTookThePortOver) {
  RunDetached({"--network", "tnet", "--name", "first", "-p", "5353:5353/udp"}, {"sleep", "300"});
  const std::string first_ip = Inspect("first").network_endpoint().ip();
  StartUdpClient(5353);
  ASSERT_GT(GrowsBeyond([&] { return UdpDatagramsIn(agent_, "first"); }, 0), 0)
      << "the client's datagrams never reached the first container";
  // Replaced: the first one stops (keeping its address), another publishes the port.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "first"}).exit_code, 0);
  EXPECT_EQ(Settled([&] { return namespaces_->ConntrackEntries(first_ip + " "); }, 0), 0)
      << "entries of the stopped container's address (the client's DNAT to it among them)";
  RunDetached({"--network", "tnet", "--name", "second", "-p", "5353:5353/udp"}, {"sleep", "300"});
  ASSERT_NE(Inspect("second").network_endpoint().ip(), first_ip);
  EXPECT_GT(GrowsBeyond([&] { return UdpDatagramsIn(agent_, "second"); }, 0), 0)
      << "the client's flow still goes where it went before the port changed hands";
  // The same once more, the port going back to a container of the first one's address.
  ASSERT_EQ(agent_.Cli({"rm", "-f", "second"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"start", "first"}).exit_code, 0);
  EXPECT_GT(GrowsBeyond([&] { return UdpDatagramsIn(agent_, "first"); }, 0), 0);
}

TEST_F(PublishedPortsTest, PublishedHostPortsAreHeldUntilTheContainerGoes) {
  RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80", "-p", "5353:53/udp"},
              {"sleep", "300"});
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", 8080), "EADDRINUSE");
  EXPECT_EQ(namespaces_->BindInAgentNamespace("udp", 5353), "EADDRINUSE");
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", 5353), "bound")
      << "only the published protocol";
  // A port picked by the agent is held the same way.
  RunDetached({"--network", "tnet", "--name", "picked", "-p", "80"}, {"sleep", "300"});
  const int picked = static_cast<int>(Inspect("picked").published_ports(0).host_port());
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", picked), "EADDRINUSE");
  EXPECT_EQ(namespaces_->HeldPorts(), 3);
  // The agent killed and started again holds them again.
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", 8080), "EADDRINUSE");
  EXPECT_EQ(namespaces_->BindInAgentNamespace("udp", 5353), "EADDRINUSE");
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", picked), "EADDRINUSE");
  // Released with the container: at its exit, and at rm.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "0", "picked"}).exit_code, 0);
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", picked), "bound");
  ASSERT_EQ(agent_.Cli({"rm", "-f", "web"}).exit_code, 0);
  EXPECT_EQ(namespaces_->BindInAgentNamespace("tcp", 8080), "bound");
  EXPECT_EQ(namespaces_->BindInAgentNamespace("udp", 5353), "bound");
  EXPECT_EQ(namespaces_->HeldPorts(), 0);
}

}  // namespace
}  // namespace boxcar::testing
