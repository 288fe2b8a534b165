// CNI networks end to end (Debian's containernetworking-plugins 1.1.1 in /usr/lib/cni): a
// conflist of bridge + host-local + portmap + firewall runs the tests of the built-in network
// (ping and names, published ports from the agent's side, 127.0.0.1 and the remote namespace,
// masqueraded egress), and the faults of the 1.1.1 plugins the agent handles each have a test.
// Everything lives in the network namespaces of the test (network_fixture.h); after every test
// the leaks are counted: veths, per-container iptables chains and rules, host-local lease
// files, cached results and pinned network namespaces.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cni_network_fixture.h"

namespace boxcar::testing {
namespace {

TEST_F(CniNetworkTest, TwoContainersPingAndReachEachOtherByName) {
  RunDetached({"--network", "cnet", "--name", "web"}, {"sh", "-c", kServeHello});
  CommandResult result = RunRm({"--network", "cnet", "--name", "client"},
                               {"sh", "-c",
                                "ping -c1 -W2 web >/dev/null && echo pinged; "
                                "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://web/ && "
                                "break; sleep 0.2; done; ip -o -4 addr show eth0 | grep -c 10.210.0."});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "pinged\nhello-from-web\n1\n") << result.err;
  CommandResult inspected = agent_.Cli({"network", "inspect", "cnet"});
  EXPECT_NE(inspected.out.find("\"container_name\": \"web\""), std::string::npos) << inspected.out;
  ExpectCniCounts(1);
  // A fixed address and MAC through the capabilities ips and mac.
  CommandResult fixed = RunRm({"--network", "cnet", "--ip", "10.210.0.77", "--mac-address",
                               "02:00:00:00:02:77"},
                              {"sh", "-c", "ip -o -4 addr show eth0; ip -o link show eth0"});
  EXPECT_NE(fixed.out.find("10.210.0.77/24"), std::string::npos) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("02:00:00:00:02:77"), std::string::npos) << fixed.out;
}

// Container inspect shows what the plugins gave (the cached ADD result's address, prefix,
// gateway and eth0's MAC), the same as eth0 inside shows; once it exits the address is gone.
TEST_F(CniNetworkTest, InspectShowsTheAddressOfTheCachedResultAndOfEth0) {
  const std::string id = RunDetached({"--network", "cnet", "--name", "web"}, {"sleep", "60"});
  const v1::NetworkEndpoint endpoint = Inspect(id).network_endpoint();
  EXPECT_EQ(endpoint.network(), "cnet");
  EXPECT_TRUE(endpoint.cni());
  EXPECT_EQ(endpoint.ip().rfind("10.210.0.", 0), 0u) << endpoint.ShortDebugString();
  EXPECT_EQ(endpoint.prefix_length(), 24u);
  EXPECT_EQ(endpoint.gateway(), "10.210.0.1");
  std::ifstream cached(agent_.root_dir() + "/cni/results/" + id + ".json");
  const std::string result((std::istreambuf_iterator<char>(cached)), std::istreambuf_iterator<char>());
  // The result is a JSON string inside the cache entry: its quotes are escaped.
  EXPECT_NE(result.find("\\\"" + endpoint.ip() + "/24\\\""), std::string::npos) << result;
  EXPECT_NE(result.find(endpoint.mac()), std::string::npos) << result;
  CommandResult inside = agent_.Cli({"exec", "web", "sh", "-c",
                                     "ip -o -4 addr show eth0 | awk '{print $4}'; ip link show eth0 | awk '/link.ether/ {print $2}'; "
                                     "ip route | awk '/^default/ {print $3}'"});
  EXPECT_EQ(inside.out, endpoint.ip() + "/24\n" + endpoint.mac() + "\n10.210.0.1\n") << inside.err;
  CommandResult printed = agent_.Cli({"inspect", "web"});
  EXPECT_NE(printed.out.find("\"ip\": \"" + endpoint.ip() + "\""), std::string::npos) << printed.out;
  EXPECT_NE(printed.out.find("\"gateway\": \"10.210.0.1\""), std::string::npos) << printed.out;
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "web"}).exit_code, 0);
  const v1::NetworkEndpoint stopped = Inspect(id).network_endpoint();
  EXPECT_EQ(stopped.network(), "cnet");
  EXPECT_EQ(stopped.ip(), "") << "host-local gave the address back at DEL";
  EXPECT_EQ(stopped.mac(), "");
  // A fixed MAC stays with the stopped container; a restart shows the new result again.
  const std::string fixed = RunDetached({"--network", "cnet", "--mac-address", "02:00:00:00:02:78"},
                                        {"sleep", "60"});
  EXPECT_EQ(Inspect(fixed).network_endpoint().mac(), "02:00:00:00:02:78");
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", fixed}).exit_code, 0);
  EXPECT_EQ(Inspect(fixed).network_endpoint().mac(), "02:00:00:00:02:78");
  ASSERT_EQ(agent_.Cli({"start", "web"}).exit_code, 0);
  EXPECT_EQ(Inspect(id).network_endpoint().ip().rfind("10.210.0.", 0), 0u);
}

TEST_F(CniNetworkTest, PublishedPortAnswersFromEverywhereAndEgressIsMasqueraded) {
  RunDetached({"--network", "cnet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
  EXPECT_EQ(agent_.Cli({"port", "web"}).out, "80/tcp -> 0.0.0.0:8080\n");
  EXPECT_EQ(WgetFromAgentSide(std::string("http://") + kAgentSideAddress + ":8080/").out,
            "hello-from-web\n");
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  CommandResult remote = namespaces_->RunIn(
      namespaces_->remote(),
      std::string("timeout 5 busybox wget -qO- http://") + kAgentSideAddress + ":8080/");
  EXPECT_EQ(remote.out, "hello-from-web\n");
  CommandResult other = RunRm({"--network", "cnet"},
                              {"timeout", "5", "wget", "-qO-",
                               std::string("http://") + kAgentSideAddress + ":8080/"});
  EXPECT_EQ(other.out, "hello-from-web\n") << other.err;

  CommandResult served = namespaces_->ServeHttpOnRemote(agent_.work_dir() + "/remote-www");
  ASSERT_EQ(served.exit_code, 0) << served.out;
  CommandResult egress = RunRm({"--network", "cnet"},
                               {"timeout", "5", "wget", "-qO-",
                                std::string("http://") + kRemoteAddress + ":8000/cgi-bin/addr"});
  EXPECT_NE(egress.out.find(kAgentSideAddress), std::string::npos) << egress.out << egress.err;

  // portmap 1.1.1's DEL without the mappings exits 0 and leaves the DNAT rules: the agent
  // passes them again, so once web is stopped no CNI-DN chain and no rule for 8080 is left.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "web"}).exit_code, 0);
  ExpectNoCniLeaks();
  EXPECT_EQ(IptablesLines("dport 8080"), 0) << IptablesSave();
}

TEST_F(CniNetworkTest, HostPortsConflictAcrossCniAndBridgeNetworks) {
  RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"}, {"sleep", "60"});
  CommandResult on_cni = RunRm({"--network", "cnet", "-p", "8080:80"}, {"true"});
  EXPECT_NE(on_cni.exit_code, 0);
  EXPECT_NE(on_cni.err.find("already published"), std::string::npos) << on_cni.err;
  RunDetached({"--network", "cnet", "--name", "cweb", "-p", "8081:80"}, {"sleep", "60"});
  CommandResult on_bridge = RunRm({"--network", "tnet", "-p", "8081:80"}, {"true"});
  EXPECT_NE(on_bridge.err.find("already published"), std::string::npos) << on_bridge.err;
  CommandResult twice = RunRm({"--network", "cnet", "-p", "8081:80"}, {"true"});
  EXPECT_NE(twice.err.find("already published"), std::string::npos) << twice.err;
  ExpectCniCounts(1);
  // Without portmap in its conflist a network refuses ports at create, naming the field.
  ASSERT_EQ(CreateCniNetwork("plain", R"({"cniVersion": "1.0.0", "name": "plain", "plugins": [
      {"type": "bridge", "bridge": "bxt-cni3", "ipam": {"type": "host-local", "dataDir": ")" +
                                          IpamDir() + R"(", "ranges": [[{"subnet": "10.213.0.0/24"}]]}}]})")
                .exit_code,
            0);
  CommandResult no_portmap = agent_.Cli({"create", "--network", "plain", "-p", "80", "busybox", "true"});
  EXPECT_NE(no_portmap.err.find("spec.network.ports"), std::string::npos) << no_portmap.err;
}

TEST_F(CniNetworkTest, BadConflistsAndMissingPluginsAreRefusedNamingTheField) {
  auto refused = [&](const std::string& name, const std::string& conflist, const std::string& field) {
    CommandResult result = CreateCniNetwork(name, conflist);
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find(field), std::string::npos) << result.err;
  };
  refused("b1", "{not json", "network.cni_conflist: not JSON");
  refused("b2", R"({"cniVersion": "1.0.0", "name": "b2"})", "network.cni_conflist.plugins");
  refused("b3", R"({"cniVersion": "1.0.0", "name": "b3", "plugins": [{"type": "nosuch"}]})",
          "network.cni_conflist.plugins[0].type: failed to find plugin \"nosuch\"");
  refused("b4", R"({"cniVersion": "1.0.0", "name": "b4", "plugins": [{"type": "../bin/sh"}]})",
          "network.cni_conflist.plugins[0].type");
  refused("b5", R"({"cniVersion": "1.0.0", "name": "b5", "plugins": [
      {"type": "bridge", "ipam": {"type": "nosuch-ipam"}}]})",
          "network.cni_conflist.plugins[0].ipam.type");
  refused("b6", R"({"name": "b6", "plugins": [{"type": "bridge"}]})", "network.cni_conflist.cniVersion");
  CommandResult with_subnet = agent_.Cli({"network", "create", "b7", "--subnet", "10.99.0.0/24",
                                          "--cni-conflist", agent_.work_dir() + "/cnet.conflist"});
  EXPECT_NE(with_subnet.err.find("network.subnet"), std::string::npos) << with_subnet.err;
  CommandResult listed = agent_.Cli({"network", "ls"});
  EXPECT_NE(listed.out.find("cnet"), std::string::npos) << listed.out;
  for (const char* name : {"b1", "b2", "b3", "b4", "b5", "b6", "b7"}) {
    EXPECT_EQ(listed.out.find(std::string("\n") + name + " "), std::string::npos) << listed.out;
  }

  // A full range: one address; the second container's ADD fails, leaving nothing behind.
  ASSERT_EQ(CreateCniNetwork("ctiny", Conflist("ctiny", "bxt-cni2", "10.212.0.0/24",
                                               R"(, "rangeStart": "10.212.0.2", "rangeEnd": "10.212.0.2")"))
                .exit_code,
            0);
  RunDetached({"--network", "ctiny"}, {"sleep", "60"});
  CommandResult full = RunRm({"--network", "ctiny"}, {"true"});
  EXPECT_NE(full.exit_code, 0);
  EXPECT_NE(full.err.find("no IP addresses available"), std::string::npos) << full.err;
  ExpectCniCounts(1);
  EXPECT_EQ(IptablesLines("^:CNI-[0-9a-f]{24} "), 1) << "only the first one's masquerade chain";
}

TEST_F(CniNetworkTest, FailedAddIsDeletedAndFailedStartLeavesNothing) {
  // tuning fails after bridge made the veth and host-local leased an address: the agent DELs
  // the list (1.1.1 leaves eth0 otherwise, and the next ADD says "already exists").
  ASSERT_EQ(CreateCniNetwork("cfail", Conflist("cfail", "bxt-cni1", "10.211.0.0/24", "",
                                               R"(, {"type": "tuning", "sysctl": {"net.nosuch.key": "1"}})"))
                .exit_code,
            0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    CommandResult failed = RunRm({"--network", "cfail", "-p", "8085:80"}, {"true"});
    EXPECT_NE(failed.exit_code, 0);
    EXPECT_NE(failed.err.find("CNI plugin tuning ADD"), std::string::npos) << failed.err;
    EXPECT_EQ(failed.err.find("already exists"), std::string::npos) << failed.err;
    ExpectNoCniLeaks();
  }
  // The host port was given back.
  CommandResult reused = RunRm({"--network", "cnet", "-p", "8085:80"}, {"true"});
  EXPECT_EQ(reused.exit_code, 0) << reused.err;
  // A start that fails after ADD (no such command): DEL, nothing left.
  CommandResult missing = RunRm({"--network", "cnet", "-p", "8086:80"}, {"/no/such/command"});
  EXPECT_EQ(missing.exit_code, 127) << missing.err;
  ExpectNoCniLeaks();
}

TEST_F(CniNetworkTest, KillNineAndRestartDeletesWhatEndedAndChecksWhatRuns) {
  RunDetached({"--network", "cnet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
  std::string exiting = RunDetached({"--network", "cnet", "-p", "8081:80"}, {"sleep", "1"});
  ASSERT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  ExpectCniCounts(2);
  agent_.Stop(/*kill9=*/true);
  sleep(2);  // the second container exits while the agent is away: its namespace stays pinned
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(exiting).state(), v1::CONTAINER_STATE_EXITED);
  // DEL ran in the pinned namespace: bridge's masquerade chain of the exited one is gone too.
  ExpectCniCounts(1);
  // host-local hands out addresses in order: web has .2, the exited one had .3.
  EXPECT_EQ(IptablesLines("^:CNI-[0-9a-f]{24} "), 1) << "web's masquerade chain only: " << IptablesSave();
  EXPECT_EQ(IptablesLines("^:CNI-DN-"), 1) << "web's port chain only: " << IptablesSave();
  EXPECT_EQ(IptablesLines("10\\.210\\.0\\.3[/:]|dport 8081"), 0) << IptablesSave();
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  // CHECK of the running one with its cached result (portmap, whose 1.1.1 CHECK fails on an
  // IPv4-only container, is skipped).
  std::ifstream log(agent_.work_dir() + "/agent.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("CNI CHECK on network cnet passed"), std::string::npos);
  EXPECT_EQ(text.find("CNI CHECK failed"), std::string::npos);
  // Its port is still the agent's.
  CommandResult twice = RunRm({"--network", "tnet", "-p", "8080:80"}, {"true"});
  EXPECT_NE(twice.err.find("already published"), std::string::npos) << twice.err;
}

// The agent killed in the middle of a start on a CNI network: after the pin (no cache entry
// yet), and after the first plugin's ADD (veth and lease made, the cache entry has no result).
// Its next start-up DELs and unpins; the container starts again.
TEST_F(CniNetworkTest, AgentKilledDuringAnAddLeavesNothingAfterItsRestart) {
  for (const char* point : {"cni.after_pin", "cni.after_first_add"}) {
    SCOPED_TRACE(point);
    ASSERT_EQ(agent_.Cli({"create", "--name", "s", "--network", "cnet", "-p", "8080:80", "busybox",
                          "sleep", "1000"})
                  .exit_code,
              0);
    agent_.Stop();
    agent_.Start(agent_args_, {std::string("BOXCAR_CRASH_AT=") + point});
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_NE(agent_.Cli({"start", "s"}).exit_code, 0);
    int status = agent_.WaitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the agent did not crash there (wait status " << status << ")";
    if (std::string(point) == "cni.after_first_add") {
      EXPECT_EQ(Veths(), 1) << "bridge's ADD made the veth";
      EXPECT_EQ(CachedResults(), 1);
    }
    RestartAgent();
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_NE(Inspect("s").state(), v1::CONTAINER_STATE_RUNNING);
    ExpectNoCniLeaks();
    CommandResult started = agent_.Cli({"start", "s"});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    ExpectCniCounts(1);
    EXPECT_EQ(agent_.Cli({"rm", "-f", "s"}).exit_code, 0);
    ExpectNoCniLeaks();
  }
}

// A CNI container's exit is recorded (kill + wait, the exit state, `run --rm`) without waiting
// for the plugins' DEL, which runs last in the exit's deferred clean-up: until then the
// namespace stays pinned, the cache entry keeps the port mappings and the port its claim.
// `rm` runs or waits for a pending DEL; a start that wants the same host port or --ip waits
// for it. The DEL is held back by a delay point here.
TEST_F(CniNetworkTest, ExitIsRecordedBeforeItsDelRunsAndRmWaitsForIt) {
  constexpr int kDelDelayMs = 2500;
  agent_.Stop();
  agent_.Start(agent_args_, {"BOXCAR_DELAY_AT=cni.before_exit_del:" + std::to_string(kDelDelayMs)});
  ASSERT_FALSE(HasFatalFailure());
  auto since_ms = [](std::chrono::steady_clock::time_point began) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 began)
        .count();
  };

  const std::string id =
      RunDetached({"--network", "cnet", "--name", "web", "-p", "8080:80"}, {"sleep", "60"});
  auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(agent_.Cli({"kill", "web"}).exit_code, 0);
  CommandResult waited = agent_.Cli({"wait", "web"});
  EXPECT_EQ(waited.out, "137\n") << waited.err;
  EXPECT_LT(since_ms(began), kDelDelayMs) << "the exit waited for the DEL";
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(CachedResults(), 1) << "DEL has not run yet";
  EXPECT_EQ(Pins(), 2) << "the namespace stays pinned until DEL";
  EXPECT_GE(IptablesLines("dport 8080"), 1) << "portmap's rules go at DEL";
  // The same host port right away: the start waits for the pending DEL of its holder.
  CommandResult same_port = RunRm({"--network", "cnet", "-p", "8080:80"}, {"true"});
  EXPECT_EQ(same_port.exit_code, 0) << same_port.err;

  // `run --rm` returns before its DEL; the same --ip right after it still works.
  ExpectNoCniLeaks();
  began = std::chrono::steady_clock::now();
  CommandResult fixed = RunRm({"--network", "cnet", "--ip", "10.210.0.60"}, {"true"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_LT(since_ms(began), kDelDelayMs) << "run --rm waited for the DEL";
  EXPECT_EQ(CachedResults(), 1) << "DEL has not run yet";
  CommandResult again = RunRm({"--network", "cnet", "--ip", "10.210.0.60"},
                              {"sh", "-c", "ip -o -4 addr show eth0 | awk '{print $4}'"});
  EXPECT_EQ(again.out, "10.210.0.60/24\n") << again.err;
  ExpectNoCniLeaks();

  // rm of an exited container whose DEL is pending leaves nothing once it returns.
  RunDetached({"--network", "cnet", "--name", "gone", "-p", "8082:80"}, {"sleep", "60"});
  ASSERT_EQ(agent_.Cli({"kill", "gone"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "gone"}).out, "137\n");
  EXPECT_EQ(CachedResults(), 1);
  ASSERT_EQ(agent_.Cli({"rm", "gone"}).exit_code, 0);
  EXPECT_EQ(CachedResults(), 0);
  EXPECT_EQ(Pins(), 0);
  EXPECT_EQ(LeaseFiles(), 0);
  EXPECT_EQ(IptablesLines("dport 8082"), 0) << IptablesSave();
  ExpectNoCniLeaks();

  // A start of an exited container whose DEL is pending takes the DEL over first (the pin
  // and the cache entry have the container's name).
  RunDetached({"--network", "cnet", "--name", "again", "-p", "8084:80"}, {"sleep", "60"});
  ASSERT_EQ(agent_.Cli({"kill", "again"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "again"}).out, "137\n");
  EXPECT_EQ(CachedResults(), 1);
  CommandResult restarted = agent_.Cli({"start", "again"});
  EXPECT_EQ(restarted.exit_code, 0) << restarted.err;
  ExpectCniCounts(1);
  EXPECT_EQ(IptablesLines("^:CNI-DN-"), 1) << "one port chain, the new run's: " << IptablesSave();
  ASSERT_EQ(agent_.Cli({"rm", "-f", "again"}).exit_code, 0);
  ExpectNoCniLeaks();

  // The agent's stop runs the DELs still pending (its timer thread would drop them).
  RunDetached({"--network", "cnet", "--name", "last", "-p", "8083:80"}, {"sleep", "60"});
  ASSERT_EQ(agent_.Cli({"kill", "last"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "last"}).out, "137\n");
  EXPECT_EQ(CachedResults(), 1);
  agent_.Stop();
  EXPECT_EQ(CachedResults(), 0);
  EXPECT_EQ(Pins(), 0);
  EXPECT_EQ(IptablesLines("dport 8083"), 0) << IptablesSave();
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
}

// The agent killed after a CNI container's exit was recorded and before its DEL ran: the
// still pinned namespace and the cache entry let the next start-up DEL it, nothing is left.
TEST_F(CniNetworkTest, AgentKilledBetweenAnExitAndItsDelLeavesNothingAfterItsRestart) {
  agent_.Stop();
  agent_.Start(agent_args_, {"BOXCAR_DELAY_AT=cni.before_exit_del:60000"});
  ASSERT_FALSE(HasFatalFailure());
  const std::string id =
      RunDetached({"--network", "cnet", "--name", "web", "-p", "8080:80"}, {"sleep", "60"});
  ASSERT_EQ(agent_.Cli({"kill", "web"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "web"}).out, "137\n");
  usleep(300 * 1000);  // the deferred clean-up records the exit, then reaches the DEL
  agent_.Stop(/*kill9=*/true);
  EXPECT_EQ(CachedResults(), 1) << "DEL never ran";
  EXPECT_EQ(Pins(), 2);
  EXPECT_EQ(Veths(), 1) << "the pinned namespace keeps its veth";
  EXPECT_GE(IptablesLines("dport 8080"), 1);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_EXITED);
  ExpectNoCniLeaks();
  EXPECT_EQ(IptablesLines("dport 8080"), 0) << IptablesSave();
  std::ifstream log(agent_.work_dir() + "/agent.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("DEL of container " + id.substr(0, 12) + ", which no longer runs"),
            std::string::npos);
  // It starts again on its network, and goes without a trace.
  CommandResult started = agent_.Cli({"start", "web"});
  EXPECT_EQ(started.exit_code, 0) << started.err;
  ExpectCniCounts(1);
  EXPECT_EQ(agent_.Cli({"rm", "-f", "web"}).exit_code, 0);
  ExpectNoCniLeaks();
}

TEST_F(CniNetworkTest, ForwardPolicyDropStillLetsPublishedPortsThrough) {
  // The host firewall of Docker and many distributions; in the agent's namespace only.
  CommandResult policy = namespaces_->RunIn(namespaces_->agent(), "iptables -P FORWARD DROP");
  ASSERT_EQ(policy.exit_code, 0) << policy.out;
  RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
  RunDetached({"--network", "cnet", "--name", "cweb", "-p", "8081:80"}, {"sh", "-c", kServeHello});
  ASSERT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  ASSERT_EQ(WgetFromAgentSide("http://127.0.0.1:8081/").out, "hello-from-web\n");
  for (const char* port : {"8080", "8081"}) {
    CommandResult remote = namespaces_->RunIn(
        namespaces_->remote(),
        std::string("timeout 5 busybox wget -qO- http://") + kAgentSideAddress + ":" + port + "/");
    EXPECT_EQ(remote.out, "hello-from-web\n") << "port " << port << ": " << IptablesSave();
  }
  // Egress of both networks still gets out.
  CommandResult served = namespaces_->ServeHttpOnRemote(agent_.work_dir() + "/remote-www");
  ASSERT_EQ(served.exit_code, 0) << served.out;
  for (const char* network : {"tnet", "cnet"}) {
    CommandResult egress = RunRm({"--network", network},
                                 {"timeout", "5", "wget", "-qO-", std::string("http://") + kRemoteAddress + ":8000/"});
    EXPECT_EQ(egress.out, "out\n") << network << ": " << egress.err;
  }
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "iptables -S FORWARD | grep -c \"boxcar tnet\"").out,
            "3\n");
  // Those accepts are what lets the published ports through: without them both are dropped.
  CommandResult removed = namespaces_->RunIn(
      namespaces_->agent(),
      "iptables -S FORWARD | grep \"boxcar tnet\" | sed \"s/^-A/-D/\" | xargs -L1 iptables && "
      "iptables -S CNI-ADMIN | grep boxcar | sed \"s/^-A/-D/\" | xargs -L1 iptables");
  ASSERT_EQ(removed.exit_code, 0) << removed.out;
  for (const char* port : {"8080", "8081"}) {
    CommandResult dropped = namespaces_->RunIn(
        namespaces_->remote(),
        std::string("timeout 3 busybox wget -qO- http://") + kAgentSideAddress + ":" + port + "/");
    EXPECT_NE(dropped.exit_code, 0) << "port " << port << " answers without the accepts";
  }
  // A network's accepts go with it.
  ASSERT_EQ(agent_.Cli({"network", "create", "tnet2", "--subnet", "10.204.0.0/24"}).exit_code, 0);
  EXPECT_EQ(RunRm({"--network", "tnet2"}, {"true"}).exit_code, 0);
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "iptables -S FORWARD | grep -c \"boxcar tnet2\"").out,
            "3\n");
  ASSERT_EQ(agent_.Cli({"network", "rm", "tnet2"}).exit_code, 0);
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "iptables -S FORWARD | grep -c boxcar || true").out,
            "0\n");
}

TEST_F(CniNetworkTest, CreateRemoveCyclesLeakNothing) {
  const char* env = std::getenv("BOXCAR_CNI_CYCLES");
  const int cycles = env ? std::atoi(env) : 20;
  for (int i = 0; i < cycles; ++i) {
    CommandResult result = RunRm({"--network", "cnet", "-p", "80"}, {"true"});
    ASSERT_EQ(result.exit_code, 0) << "cycle " << i << ": " << result.err;
  }
  ExpectNoCniLeaks();
}

}  // namespace
}  // namespace boxcar::testing
