// The fast path of a start on a bridge network (net/idle_veth.h): the agent's prewarmed
// helpers already own the container's network namespace, and once a start on a bridge network
// asked for one the pool keeps helpers of a second kind, each with an idle veth pair there
// ("bw*" on the host side, down, on no bridge), which only starts on a bridge network get and
// claim instead of making a pair. Starts on `none` and on a CNI network right after prewarming
// get plain helpers (no extra interface, no "eth0 already exists"); a claimed pair honours
// --ip and --mac-address; neither a stop nor kill -9 of the agent leaves an idle pair, a lease
// or a veth behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "cni_network_fixture.h"

namespace boxcar::testing {
namespace {

// The agent's --prewarm default: helpers of each kind the pool keeps.
constexpr int kPoolCount = 4;

class PrewarmedVethTest : public CniNetworkTest {
 protected:
  int IdleVeths() const {
    return std::atoi(
        namespaces_
            ->RunIn(namespaces_->agent(), "ip -o link show type veth | grep -c \": bw\" || true")
            .out.c_str());
  }
  // Their names, one a line.
  std::string IdleVethNames() const {
    return namespaces_
        ->RunIn(namespaces_->agent(),
                "ip -o link show type veth | grep -o \": bw[0-9a-f]*\" || true")
        .out;
  }
  // How many of the lines of `names` are still idle veths.
  int StillThere(const std::string& names) const {
    const std::string now = IdleVethNames();
    int found = 0;
    std::istringstream lines(names);
    for (std::string line; std::getline(lines, line);)
      found += now.find(line + "\n") != std::string::npos;
    return found;
  }
  // Starts on tnet ask the pool for helpers with a pair; it keeps kPoolCount of them.
  void UseTnetUntilIdleVethsAreReady() {
    for (int run = 0; run < 10 && IdleVeths() < kPoolCount; ++run) {
      ASSERT_EQ(RunRm({"--network", "tnet"}, {"true"}).exit_code, 0);
      Settled([&] { return IdleVeths(); }, kPoolCount);
    }
    ASSERT_EQ(IdleVeths(), kPoolCount) << "the pool did not make its helpers with idle veths";
    usleep(100 * 1000);  // the last pair is made just before its helper joins the pool
  }
  std::string AgentLog() const {
    std::ifstream log(agent_.work_dir() + "/agent.log");
    return std::string((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  }
  // "prewarmed" or "new": how the start of `id` came by its veth (Attach's debug line).
  std::string VethOf(const std::string& id) const {
    const std::string log = AgentLog();
    const auto line = log.find("container " + id.substr(0, 12) + " on network tnet");
    if (line == std::string::npos) return "no attach line";
    const auto us = log.find(" us, ", line);
    if (us == std::string::npos) return "no attach line";
    return log.substr(us + 5, log.find(" veth ", us) - us - 5);
  }
  // Interfaces of a container run with `flags` (`ip -o link` names, one a line).
  CommandResult Links(std::vector<std::string> flags) {
    return RunRm(std::move(flags), {"sh", "-c", "ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1"});
  }
};

TEST_F(PrewarmedVethTest, StartsClaimIdleVethsAndNeitherStopNorKillNineLeavesAny) {
  EXPECT_EQ(IdleVeths(), 0) << "no network used yet: the host's network is not touched";
  UseTnetUntilIdleVethsAreReady();
  ASSERT_FALSE(HasFatalFailure());

  // A claimed pair is an ordinary one: address, MAC, default route, hairpin (its own port).
  const std::string id = RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"},
                                     {"sh", "-c", "echo hi > /i && exec httpd -f -p 80 -h /"});
  EXPECT_EQ(VethOf(id), "prewarmed");
  const v1::NetworkEndpoint endpoint = Inspect(id).network_endpoint();
  CommandResult inside = agent_.Cli({"exec", "web", "sh", "-c",
                                     "ip -o -4 addr show eth0 | awk '{print $4}'; "
                                     "ip link show eth0 | awk '/link.ether/ {print $2}'; "
                                     "ip route | awk '/^default/ {print $3}'; "
                                     "ip -o link | grep -c eth; "
                                     "wget -qO- http://" +
                                         std::string(kAgentSideAddress) + ":8080/i"});
  EXPECT_EQ(inside.out, endpoint.ip() + "/24\n" + endpoint.mac() + "\n10.201.0.1\n1\nhi\n")
      << inside.err;
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/i").out, "hi\n");
  EXPECT_EQ(HostVethsSettled(1), 1) << "the claimed pair has the container's host name";

  // kill -9: the helpers see their agent gone and exit, their pairs go with their namespaces
  // (the restarted agent's new helpers get new ones once a start asks); the running
  // container keeps its network, and the only lease is its own.
  const std::string killed_agents = IdleVethNames();
  ASSERT_FALSE(killed_agents.empty());
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Settled([&] { return StillThere(killed_agents); }, 0), 0)
      << "idle pairs of the killed agent:\n"
      << killed_agents;
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/i").out, "hi\n");
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 1);
  ASSERT_EQ(agent_.Cli({"rm", "-f", "web"}).exit_code, 0);
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0);
  EXPECT_EQ(HostVethsSettled(0), 0);

  // A stopped agent releases its helpers, and their idle pairs with them.
  UseTnetUntilIdleVethsAreReady();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0) << "an idle pair holds no lease";
  agent_.Stop();
  EXPECT_EQ(Settled([&] { return IdleVeths(); }, 0), 0) << "idle pairs of the stopped agent";
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(IdleVeths(), 0);
}

// Helpers with an idle eth0 are only for starts on a bridge network: `none` and CNI starts
// right after prewarming get plain ones (the bug of the first version: "eth0 already
// exists" from the CNI bridge plugin, an extra link in a `none` container).
TEST_F(PrewarmedVethTest, NoneAndCniStartsRightAfterPrewarmingSeeNoExtraInterface) {
  UseTnetUntilIdleVethsAreReady();
  ASSERT_FALSE(HasFatalFailure());
  // More starts than the pool has plain helpers: plain and cold ones alike.
  for (int run = 0; run < kPoolCount + 2; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    CommandResult none = Links({"--network", "none"});
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "lo\n");
    CommandResult cni = Links({"--network", "cnet", "-p", "80"});
    EXPECT_EQ(cni.exit_code, 0) << cni.err;
    EXPECT_EQ(cni.out, "lo\neth0\n");
  }
  EXPECT_EQ(IdleVeths(), kPoolCount) << "a none or CNI start took a helper with a pair";
  ExpectNoCniLeaks();
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0);
}

// --ip and --mac-address: the claimed pair gets them (the address is the lease, the MAC is set
// while eth0 is still down).
TEST_F(PrewarmedVethTest, FixedAddressAndMacAreHonouredOnAPrewarmedPair) {
  UseTnetUntilIdleVethsAreReady();
  ASSERT_FALSE(HasFatalFailure());
  const std::string id = RunDetached(
      {"--network", "tnet", "--name", "fixed", "--ip", "10.201.0.77", "--mac-address",
       "02:00:00:00:01:77"},
      {"sleep", "60"});
  EXPECT_EQ(VethOf(id), "prewarmed");
  CommandResult inside = agent_.Cli({"exec", "fixed", "sh", "-c",
                                     "ip -o -4 addr show eth0 | awk '{print $4}'; "
                                     "ip link show eth0 | awk '/link.ether/ {print $2}'; "
                                     "ip route | awk '/^default/ {print $3}'; "
                                     "ping -c1 -W2 10.201.0.1 >/dev/null && echo gateway"});
  EXPECT_EQ(inside.out, "10.201.0.77/24\n02:00:00:00:01:77\n10.201.0.1\ngateway\n") << inside.err;
  const v1::NetworkEndpoint endpoint = Inspect(id).network_endpoint();
  EXPECT_EQ(endpoint.ip(), "10.201.0.77");
  EXPECT_EQ(endpoint.mac(), "02:00:00:00:01:77");
  ASSERT_EQ(agent_.Cli({"rm", "-f", "fixed"}).exit_code, 0);
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0);
}

}  // namespace
}  // namespace boxcar::testing
