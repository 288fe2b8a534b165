// --network container:NAME on a bridge network (chroot and lxc; the conformance suite covers
// the rest): the dependent has the other container's eth0 and address, no veth or lease of its
// own, a copy of its /etc/hosts and /etc/resolv.conf, and cannot be connected to a network;
// when the owner stops first its veth leaves the namespace the dependent keeps; nothing of
// either is left once both are gone. A chain (C joins B, which joined A) is followed to A.
#include <gtest/gtest.h>

#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

TEST_F(NetworkTest, NetworkContainerHasTheOthersAddressAndEtcFiles) {
  for (const char* backend : {"chroot", "lxc"}) {
    SCOPED_TRACE(backend);
    std::string a = RunDetached({"--backend", backend, "--name", "owner", "--network", "tnet",
                                 "--add-host", "db.local:10.9.9.9"},
                                {"sleep", "60"});
    const std::string ip = Inspect(a).network_endpoint().ip();
    ASSERT_EQ(ip.rfind(kTnetPrefix, 0), 0u) << ip;
    std::string b =
        RunDetached({"--backend", backend, "--network", "container:owner"},
                    {"sh", "-c", "echo from-b > /tmp/i.html && exec httpd -f -p 8081 -h /tmp"});
    CommandResult shown = agent_.Cli({"exec", b, "ip", "-4", "-o", "addr", "show", "eth0"});
    EXPECT_NE(shown.out.find(" " + ip + "/24"), std::string::npos) << shown.out << shown.err;
    for (const char* file : {"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"}) {
      EXPECT_EQ(agent_.Cli({"exec", b, "cat", file}).out, agent_.Cli({"exec", a, "cat", file}).out)
          << file;
    }
    EXPECT_NE(agent_.Cli({"exec", b, "cat", "/etc/hosts"}).out.find("db.local"), std::string::npos);
    EXPECT_EQ(namespaces_->HostVeths(), 1) << "no veth of the dependent's own";
    EXPECT_FALSE(Inspect(b).has_network_endpoint()) << "no address of its own";
    // ps shows no ports and nothing odd for it; connecting it to a network is refused.
    CommandResult listed = agent_.Cli({"ps", "--format", "{{.Names}} {{.Ports}}"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    CommandResult connect = agent_.Cli({"network", "connect", "tnet", b});
    EXPECT_NE(connect.exit_code, 0);
    EXPECT_NE(connect.err.find("shares the network namespace of another container"),
              std::string::npos)
        << connect.err;
    // From the agent's side, a server of the dependent answers on the owner's address.
    CommandResult fetched = WgetFromAgentSide("http://" + ip + ":8081/i.html");
    EXPECT_EQ(fetched.out, "from-b\n") << fetched.err;
    // The owner stops: its veth and address leave the namespace the dependent keeps (the
    // address goes back to the network; nobody else may find it still in use).
    EXPECT_EQ(agent_.Cli({"stop", "-t", "1", a}).exit_code, 0);
    EXPECT_EQ(HostVethsSettled(0), 0) << "the owner's veth is deleted at its exit";
    EXPECT_EQ(agent_.Cli({"inspect", "-f", "{{.state}}", b}).out, "CONTAINER_STATE_RUNNING\n");
    CommandResult left = agent_.Cli({"exec", b, "sh", "-c", "ip -o link | grep -c eth0"});
    EXPECT_EQ(left.out, "0\n") << left.err;
    agent_.Cli({"rm", "-f", b});
    agent_.Cli({"rm", "-f", a});
    EXPECT_EQ(HostVethsSettled(0), 0);
  }
}

// A chain: C joins B, which itself joined A. Create follows it to the owner (C's mode names A,
// C gets A's hostname), so C has A's eth0, address and /etc files, a port A publishes reaches
// C's server, C (re)starts while A runs whatever B does, and A's exit leaves no veth behind.
TEST_F(NetworkTest, AChainedNetworkContainerIsFollowedToTheOwner) {
  for (const char* backend : {"chroot", "lxc"}) {
    SCOPED_TRACE(backend);
    std::string a = RunDetached({"--backend", backend, "--name", "owner-a", "--network", "tnet",
                                 "-h", "a-host", "-p", "8082:8082"},
                                {"sleep", "60"});
    const std::string ip = Inspect(a).network_endpoint().ip();
    ASSERT_EQ(ip.rfind(kTnetPrefix, 0), 0u) << ip;
    std::string b =
        RunDetached({"--backend", backend, "--name", "middle-b", "--network", "container:owner-a"},
                    {"sleep", "60"});
    std::string c =
        RunDetached({"--backend", backend, "--name", "last-c", "--network", "container:middle-b"},
                    {"sh", "-c", "echo from-c > /tmp/i.html && exec httpd -f -p 8082 -h /tmp"});
    EXPECT_EQ(Inspect(c).spec().network().mode(), "container:" + a) << "followed to the owner";
    EXPECT_EQ(agent_.Cli({"exec", c, "hostname"}).out, "a-host\n");
    CommandResult shown = agent_.Cli({"exec", c, "ip", "-4", "-o", "addr", "show", "eth0"});
    EXPECT_NE(shown.out.find(" " + ip + "/24"), std::string::npos) << shown.out << shown.err;
    EXPECT_EQ(agent_.Cli({"exec", c, "cat", "/etc/hosts"}).out,
              agent_.Cli({"exec", a, "cat", "/etc/hosts"}).out);
    EXPECT_EQ(namespaces_->HostVeths(), 1) << "one veth, the owner's";
    // A's published port reaches C's server (the same namespace), from the agent's side.
    CommandResult published =
        WgetFromAgentSide(std::string("http://") + kAgentSideAddress + ":8082/i.html");
    EXPECT_EQ(published.out, "from-c\n") << published.err;
    // B stops: C needs only A, and restarts into A's namespace.
    ASSERT_EQ(agent_.Cli({"stop", "-t", "1", b}).exit_code, 0);
    CommandResult restarted = agent_.Cli({"restart", "-t", "1", c});
    ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
    published = WgetFromAgentSide(std::string("http://") + kAgentSideAddress + ":8082/i.html");
    EXPECT_EQ(published.out, "from-c\n") << published.err;
    // A's exit takes its veth and its port; C keeps a namespace with only lo.
    ASSERT_EQ(agent_.Cli({"stop", "-t", "1", a}).exit_code, 0);
    EXPECT_EQ(HostVethsSettled(0), 0) << "the owner's veth is deleted at its exit";
    EXPECT_EQ(PortElementsSettled(0), 0);
    EXPECT_EQ(agent_.Cli({"inspect", "-f", "{{.state}}", c}).out, "CONTAINER_STATE_RUNNING\n");
    CommandResult left = agent_.Cli({"exec", c, "sh", "-c", "ip -o link | grep -c eth0"});
    EXPECT_EQ(left.out, "0\n") << left.err;
    // Its next start needs A running again.
    ASSERT_EQ(agent_.Cli({"stop", "-t", "1", c}).exit_code, 0);
    CommandResult refused = agent_.Cli({"start", c});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("owner-a is not running"), std::string::npos) << refused.err;
    for (const std::string& id : {c, b, a}) agent_.Cli({"rm", "-f", id});
    EXPECT_EQ(HostVethsSettled(0), 0);
  }
}

// After an agent restart the agent still knows who shares whose network: the owner's exit
// deletes its veth then too.
TEST_F(NetworkTest, AfterAnAgentRestartTheOwnersExitStillTakesItsVeth) {
  std::string a = RunDetached({"--name", "owner", "--network", "tnet"}, {"sleep", "60"});
  std::string b = RunDetached({"--network", "container:owner"}, {"sleep", "60"});
  EXPECT_EQ(HostVethsSettled(1), 1);
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(agent_.Cli({"inspect", "-f", "{{.state}}", b}).out, "CONTAINER_STATE_RUNNING\n");
  EXPECT_EQ(agent_.Cli({"stop", "-t", "1", a}).exit_code, 0);
  EXPECT_EQ(HostVethsSettled(0), 0) << "the owner's veth is deleted at its exit";
  agent_.Cli({"rm", "-f", b});
  agent_.Cli({"rm", "-f", a});
}

}  // namespace
}  // namespace boxcar::testing
