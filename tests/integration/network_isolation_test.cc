// A network's containers are reachable from outside their network only through published
// ports, as Docker's isolation chains and FORWARD drop make it: not from another network's
// containers by address, not from another machine routing to the subnet; within a network,
// and through a published port, everything still answers.
#include <gtest/gtest.h>

#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

const std::string kServeHello =
    "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www";

class NetworkIsolationTest : public NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    CommandResult created = agent_.Cli({"network", "create", "onet", "--subnet", "10.202.0.0/24"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    RunDetached({"--network", "onet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
    web_ip_ = Inspect("web").network_endpoint().ip();
    ASSERT_EQ(web_ip_, "10.202.0.2");
    // Answers within its own network (httpd may take a moment to listen).
    CommandResult same = RunRm({"--network", "onet"},
                               {"sh", "-c",
                                "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://" +
                                    web_ip_ + "/ && break; sleep 0.2; done"});
    ASSERT_EQ(same.out, "hello-from-web\n") << same.err;
  }

  std::string web_ip_;
};

TEST_F(NetworkIsolationTest, AnotherNetworksContainerReachesOnlyThePublishedPort) {
  // Not `timeout` as PID 1: busybox's timeout execs the command and kills it from a child,
  // and a PID 1 ignores SIGTERM (the dropped SYN would wait for TCP's own timeout).
  CommandResult direct = RunRm(
      {"--network", "tnet"}, {"sh", "-c", "timeout 3 wget -qO- http://" + web_ip_ + "/; exit $?"});
  EXPECT_NE(direct.exit_code, 0) << direct.out;
  EXPECT_EQ(direct.out, "");
  CommandResult published = RunRm(
      {"--network", "tnet"},
      {"timeout", "5", "wget", "-qO-", std::string("http://") + kAgentSideAddress + ":8080/"});
  EXPECT_EQ(published.out, "hello-from-web\n") << published.err;
}

TEST_F(NetworkIsolationTest, AnotherMachineReachesOnlyThePublishedPort) {
  // The remote machine routes the subnet to the agent's host, as a LAN neighbour could.
  namespaces_->RunIn(namespaces_->remote(),
                     std::string("ip route add 10.202.0.0/24 via ") + kAgentSideAddress);
  CommandResult direct = namespaces_->RunIn(namespaces_->remote(),
                                            "timeout 3 busybox wget -qO- http://" + web_ip_ + "/");
  EXPECT_NE(direct.exit_code, 0) << direct.out;
  EXPECT_EQ(direct.out, "");
  CommandResult published =
      namespaces_->RunIn(namespaces_->remote(), std::string("timeout 5 busybox wget -qO- http://") +
                                                    kAgentSideAddress + ":8080/");
  EXPECT_EQ(published.out, "hello-from-web\n") << published.err;
  // The containers' own connections out are answered (replies are not new connections).
  CommandResult served = namespaces_->ServeHttpOnRemote(agent_.work_dir() + "/www-remote");
  ASSERT_EQ(served.exit_code, 0) << served.err;
  CommandResult out =
      RunRm({"--network", "onet"},
            {"timeout", "5", "wget", "-qO-", std::string("http://") + kRemoteAddress + ":8000/"});
  EXPECT_EQ(out.out, "out\n") << out.err;
}

}  // namespace
}  // namespace boxcar::testing
