// Container networking end to end: an agent inside a network namespace of the test's own
// (tests never touch the host's network), a "remote" namespace as the outside world, bridge
// networks, published ports, names, NAT, and the leak counts (veths, port elements, leases)
// after every test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

// A page served by busybox httpd from the container's /www. (Timeouts come from `timeout`:
// busybox 1.35's `wget -T` segfaults.)
const std::string kServeHello =
    "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www";

TEST_F(NetworkTest, TwoContainersPingAndReachEachOtherByName) {
  RunDetached({"--network", "tnet", "--name", "web"}, {"sh", "-c", kServeHello});
  CommandResult result = RunRm({"--network", "tnet", "--name", "client"},
                               {"sh", "-c",
                                "ping -c1 -W2 web >/dev/null && echo pinged; "
                                "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://web/ && "
                                "break; sleep 0.2; done; grep -w web /etc/hosts | wc -l; "
                                "cat /etc/hostname"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("pinged\nhello-from-web\n1\n"), std::string::npos) << result.out;
  // Names are kept current: once client is gone, web's /etc/hosts no longer lists it.
  CommandResult hosts = agent_.Cli({"exec", "web", "cat", "/etc/hosts"});
  EXPECT_EQ(hosts.out.find("client"), std::string::npos) << hosts.out;
  EXPECT_NE(hosts.out.find("web"), std::string::npos) << hosts.out;
  v1::Container web = Inspect("web");
  EXPECT_EQ(web.network_endpoint().network(), "tnet");
  EXPECT_EQ(web.network_endpoint().ip(), "10.201.0.2");
}

TEST_F(NetworkTest, PublishedPortAnswersOnHostAddressLoopbackAndFromContainers) {
  std::string id =
      RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
  CommandResult ports = agent_.Cli({"port", "web"});
  EXPECT_EQ(ports.out, "80/tcp -> 0.0.0.0:8080\n") << ports.err;
  CommandResult ports_json = agent_.Cli({"port", "--json", "web"});
  EXPECT_EQ(ports_json.out.rfind("[{", 0), 0u) << ports_json.out << ports_json.err;
  EXPECT_NE(ports_json.out.find("\"host_port\":8080"), std::string::npos) << ports_json.out;
  EXPECT_NE(ports_json.out.find("\"container_port\":80"), std::string::npos) << ports_json.out;
  EXPECT_EQ(namespaces_->PortElements(), 1);
  EXPECT_EQ(WgetFromAgentSide(std::string("http://") + kAgentSideAddress + ":8080/").out,
            "hello-from-web\n");
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  // From the remote namespace, through the agent side's address (prerouting).
  CommandResult remote = namespaces_->RunIn(
      namespaces_->remote(), std::string("timeout 5 busybox wget -qO- http://") + kAgentSideAddress + ":8080/");
  EXPECT_EQ(remote.out, "hello-from-web\n");
  // From another container through the host port, and from web itself (hairpin).
  CommandResult other = RunRm({"--network", "tnet"},
                              {"timeout", "5", "wget", "-qO-", std::string("http://") + kAgentSideAddress + ":8080/"});
  EXPECT_EQ(other.out, "hello-from-web\n") << other.err;
  CommandResult hairpin = agent_.Cli(
      {"exec", "web", "timeout", "5", "wget", "-qO-", std::string("http://") + kAgentSideAddress + ":8080/"});
  EXPECT_EQ(hairpin.out, "hello-from-web\n") << hairpin.err;
  // Stopped: its element goes, and the port no longer answers.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "web"}).exit_code, 0);
  EXPECT_EQ(namespaces_->PortElements(), 0);
  EXPECT_EQ(HostVethsSettled(0), 0);
}

TEST_F(NetworkTest, EgressIsMasqueradedToTheOutside) {
  // The remote side answers with the address the request came from.
  CommandResult served = namespaces_->ServeHttpOnRemote(agent_.work_dir() + "/remote-www");
  ASSERT_EQ(served.exit_code, 0) << served.out;
  CommandResult result = RunRm({"--network", "tnet"},
                               {"timeout", "5", "wget", "-qO-", std::string("http://") + kRemoteAddress + ":8000/cgi-bin/addr"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(kAgentSideAddress), std::string::npos)
      << "the remote side must see the agent side's address: " << result.out;
}

TEST_F(NetworkTest, NoneHasOnlyLoopbackAndHostSharesTheAgentsNetwork) {
  CommandResult none = RunRm({"--network", "none"}, {"sh", "-c", "ip -o link | cut -d: -f2"});
  EXPECT_EQ(none.out, " lo\n") << none.err;
  CommandResult fallback = RunRm({}, {"sh", "-c", "ip -o link | wc -l"});
  EXPECT_EQ(fallback.out, "1\n") << "the agent's default network is none: " << fallback.err;
  CommandResult host = RunRm({"--network", "host"}, {"ip", "-o", "-4", "addr"});
  EXPECT_NE(host.out.find(kAgentSideAddress), std::string::npos) << host.out << host.err;
  CommandResult dns = RunRm({"--network", "tnet", "--dns", "192.0.2.53"}, {"cat", "/etc/resolv.conf"});
  EXPECT_EQ(dns.out, "nameserver 192.0.2.53\n") << dns.err;
  CommandResult fixed = RunRm({"--network", "tnet", "--ip", "10.201.0.77", "--mac-address",
                               "02:00:00:00:00:77"},
                              {"sh", "-c", "ip -o -4 addr show eth0; ip -o link show eth0"});
  EXPECT_NE(fixed.out.find("10.201.0.77/24"), std::string::npos) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("02:00:00:00:00:77"), std::string::npos) << fixed.out;
}

TEST_F(NetworkTest, PortConflictsAndAFullRangeAreRefusedLeavingNothing) {
  RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"}, {"sleep", "60"});
  CommandResult twice = RunRm({"--network", "tnet", "-p", "8080:80"}, {"true"});
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("already published"), std::string::npos) << twice.err;
  // A port a host process has bound.
  CommandResult listener = namespaces_->RunIn(namespaces_->agent(), "busybox nc -l -p 9090 >/dev/null 2>&1 &");
  ASSERT_EQ(listener.exit_code, 0);
  usleep(200 * 1000);
  CommandResult bound = RunRm({"--network", "tnet", "-p", "9090:80"}, {"true"});
  EXPECT_NE(bound.exit_code, 0);
  EXPECT_NE(bound.err.find("not free on the host"), std::string::npos) << bound.err;
  // One host port twice in one spec: refused at create (every start would have failed).
  CommandResult doubled = agent_.Cli({"create", "--network", "tnet", "-p", "8090:80", "-p",
                                      "127.0.0.1:8090:81", "busybox", "true"});
  EXPECT_NE(doubled.exit_code, 0);
  EXPECT_NE(doubled.err.find("spec.network.ports[1].host_port: 8090/tcp is published by "
                             "spec.network.ports[0] too"),
            std::string::npos)
      << doubled.err;
  EXPECT_EQ(agent_
                .Cli({"create", "--name", "both", "--network", "tnet", "-p", "8091:80", "-p",
                      "8091:80/udp", "busybox", "true"})
                .exit_code,
            0)
      << "tcp and udp of one port are two bindings";
  EXPECT_EQ(agent_.Cli({"rm", "both"}).exit_code, 0);
  EXPECT_EQ(namespaces_->PortElements(), 1) << "only web's element";
  // A start that fails after the network was plugged in (no such command) leaves nothing.
  CommandResult failed = RunRm({"--network", "tnet", "-p", "8082:80"}, {"/no/such/command"});
  EXPECT_EQ(failed.exit_code, 127) << failed.err;
  EXPECT_EQ(namespaces_->PortElements(), 1);
  EXPECT_EQ(HostVethsSettled(1), 1);

  ASSERT_EQ(agent_.Cli({"network", "create", "tiny", "--subnet", "10.202.0.0/30"}).exit_code, 0);
  CommandResult first = agent_.Cli({"create", "--network", "tiny", "busybox", "true"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  CommandResult full = agent_.Cli({"create", "--network", "tiny", "busybox", "true"});
  EXPECT_NE(full.exit_code, 0);
  EXPECT_NE(full.err.find("no free address"), std::string::npos) << full.err;
  CommandResult in_use = agent_.Cli({"network", "rm", "tiny"});
  EXPECT_NE(in_use.exit_code, 0);
  EXPECT_NE(
      in_use.err.find("used by container(s) " + first.out.substr(0, 12) + "; remove them first"),
      std::string::npos)
      << in_use.err;
  CommandResult names = agent_.Cli({"network", "ls", "-q"});
  EXPECT_NE(names.out.find("tiny\n"), std::string::npos) << names.out;
  EXPECT_EQ(names.out.find("SUBNET"), std::string::npos) << "names only";
  EXPECT_NE(names.out.find("\nhost\nnone\n"), std::string::npos)
      << "built in, as Docker lists them";
  CommandResult unknown = agent_.Cli({"create", "--network", "nosuch", "busybox", "true"});
  EXPECT_NE(unknown.err.find("spec.network.mode"), std::string::npos) << unknown.err;
  CommandResult bad = agent_.Cli({"network", "create", "bad", "--subnet", "10.203.0.1/24"});
  EXPECT_NE(bad.err.find("network.subnet"), std::string::npos) << bad.err;
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 2) << "web's and the first tiny one's";

  // A link the host has is not taken over (addressed, brought up, deleted at rm): lo here.
  CommandResult taken =
      agent_.Cli({"network", "create", "onlo", "--subnet", "10.204.0.0/24", "--bridge", "lo"});
  EXPECT_NE(taken.exit_code, 0);
  EXPECT_NE(taken.err.find("network.bridge: this host has a link 'lo' already"), std::string::npos)
      << taken.err;
  CommandResult spaced =
      agent_.Cli({"network", "create", "spaced", "--subnet", "10.204.0.0/24", "--bridge", "a b"});
  EXPECT_NE(spaced.err.find("network.bridge: 'a b' is not an interface name"), std::string::npos)
      << spaced.err;
  CommandResult listed = agent_.Cli({"network", "ls"});
  EXPECT_EQ(listed.out.find("onlo"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("spaced"), std::string::npos) << listed.out;
  EXPECT_NE(
      listed.out.find(
          "\nhost                 (the host's network)\nnone                 (loopback only)\n"),
      std::string::npos)
      << listed.out;
}

TEST_F(NetworkTest, KillNineAndRestartKeepsRunningContainersNetworkAndDropsTheRest) {
  RunDetached({"--network", "tnet", "--name", "web", "-p", "8080:80"}, {"sh", "-c", kServeHello});
  std::string exiting = RunDetached({"--network", "tnet", "-p", "8081:80"}, {"sleep", "1"});
  ASSERT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  agent_.Stop(/*kill9=*/true);
  sleep(2);  // the second container exits while the agent is away
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  EXPECT_EQ(PortElementsSettled(1), 1) << "only the running container's port";
  EXPECT_EQ(HostVethsSettled(1), 1);
  EXPECT_EQ(Inspect(exiting).state(), v1::CONTAINER_STATE_EXITED);
}

TEST_F(NetworkTest, InspectShowsTheAddressMacAndGatewayEth0Has) {
  const std::string id = RunDetached({"--network", "tnet", "--name", "web"}, {"sleep", "60"});
  const v1::NetworkEndpoint endpoint = Inspect(id).network_endpoint();
  EXPECT_FALSE(endpoint.cni());
  EXPECT_EQ(endpoint.ip().rfind("10.201.0.", 0), 0u) << endpoint.ShortDebugString();
  EXPECT_EQ(endpoint.prefix_length(), 24u);
  EXPECT_EQ(endpoint.gateway(), "10.201.0.1");
  CommandResult inside = agent_.Cli({"exec", "web", "sh", "-c",
                                     "ip -o -4 addr show eth0 | awk '{print $4}'; ip link show eth0 | awk '/link.ether/ {print $2}'; "
                                     "ip route | awk '/^default/ {print $3}'"});
  EXPECT_EQ(inside.out, endpoint.ip() + "/24\n" + endpoint.mac() + "\n10.201.0.1\n") << inside.err;
  // The network's view of it has the same MAC (and keeps it over an agent restart).
  for (bool restarted : {false, true}) {
    if (restarted) {
      agent_.Stop(/*kill9=*/true);
      RestartAgent();
    }
    CommandResult network = agent_.Cli({"network", "inspect", "tnet"});
    EXPECT_NE(network.out.find("\"mac\": \"" + endpoint.mac() + "\""), std::string::npos)
        << (restarted ? "after a restart: " : "") << network.out;
  }
  // The lease stays with the stopped container.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "web"}).exit_code, 0);
  EXPECT_EQ(Inspect(id).network_endpoint().ip(), endpoint.ip());
}

TEST_F(NetworkTest, ListInspectConnectAndDisconnect) {
  CommandResult listed = agent_.Cli({"network", "ls", "--json"});
  EXPECT_EQ(listed.out.front(), '[') << "a list prints one array: " << listed.out;
  EXPECT_NE(listed.out.find("\"subnet\":\"10.201.0.0/24\""), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("\"bridge\":\"bx-tnet\""), std::string::npos) << listed.out;
  CommandResult created = agent_.Cli({"create", "--name", "later", "busybox", "sh", "-c",
                                      "ip -o -4 addr show eth0 | wc -l"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult connected = agent_.Cli({"network", "connect", "tnet", "later", "--ip", "10.201.0.50"});
  ASSERT_EQ(connected.exit_code, 0) << connected.err;
  CommandResult inspected = agent_.Cli({"network", "inspect", "tnet"});
  EXPECT_EQ(inspected.out.rfind("[\n  {\n", 0), 0u) << "inspect prints an array: " << inspected.out;
  EXPECT_NE(inspected.out.find("\"ip\": \"10.201.0.50\""), std::string::npos) << inspected.out;
  EXPECT_NE(inspected.out.find("\"prefix_length\": 24"), std::string::npos)
      << "an endpoint has its prefix and gateway: " << inspected.out;
  EXPECT_EQ(agent_.Cli({"network", "inspect", "--json", "tnet"}).out, inspected.out);
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 1);
  ASSERT_EQ(agent_.Cli({"start", "later"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "later"}).out, "0\n");
  EXPECT_EQ(agent_.Cli({"logs", "later"}).out, "1\n") << "eth0 has its address";
  CommandResult twice = agent_.Cli({"network", "connect", "tnet", "later"});
  EXPECT_NE(twice.err.find("network: container later is already on tnet"), std::string::npos)
      << twice.err;
  ASSERT_EQ(agent_.Cli({"network", "disconnect", "tnet", "later"}).exit_code, 0);
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0);
  ASSERT_EQ(agent_.Cli({"start", "later"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", "later"}).out, "0\n");
  EXPECT_EQ(agent_.Cli({"logs", "later"}).out, "1\n0\n") << "no eth0 after disconnect";
}

TEST_F(NetworkTest, DefaultNetworkFlagPutsContainersOnBoxcar0CreatedAtFirstUse) {
  agent_.Stop();
  agent_args_ = {"--default-network", "boxcar0"};
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  CommandResult result = RunRm({}, {"ip", "-o", "-4", "addr", "show", "eth0"});
  EXPECT_NE(result.out.find("10.88.0.2/16"), std::string::npos) << result.out << result.err;
  CommandResult networks = agent_.Cli({"network", "ls"});
  EXPECT_NE(networks.out.find("boxcar0"), std::string::npos) << networks.out;
  EXPECT_EQ(agent_.Cli({"network", "rm", "boxcar0"}).exit_code, 0);
}

TEST_F(NetworkTest, LxcContainersGetTheSameNetworking) {
  RunDetached({"--backend", "lxc", "--network", "tnet", "--name", "web", "-p", "8080:80"},
              {"sh", "-c", kServeHello});
  CommandResult by_name = RunRm({"--network", "tnet"},
                                {"sh", "-c",
                                 "for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://web/ "
                                 "&& break; sleep 0.2; done"});
  EXPECT_EQ(by_name.out, "hello-from-web\n") << by_name.err;
  EXPECT_EQ(WgetFromAgentSide("http://127.0.0.1:8080/").out, "hello-from-web\n");
  CommandResult none = RunRm({"--backend", "lxc", "--network", "none"}, {"sh", "-c", "ip -o link | wc -l"});
  EXPECT_EQ(none.out, "1\n") << none.err;
  CommandResult host = RunRm({"--backend", "lxc", "--network", "host"}, {"ip", "-o", "-4", "addr"});
  EXPECT_NE(host.out.find(kAgentSideAddress), std::string::npos) << host.out << host.err;
  CommandResult client = RunRm({"--backend", "lxc", "--network", "tnet"},
                               {"timeout", "5", "wget", "-qO-", "http://web/"});
  EXPECT_EQ(client.out, "hello-from-web\n") << client.err;
}

// What the Nova driver hands over: a VIF on an existing bridge, with its MAC, MTU, address,
// gateway and host-side name.
TEST_F(NetworkTest, VifJoinsAnExistingBridgeWithTheGivenMacMtuAndName) {
  CommandResult bridge = namespaces_->RunIn(
      namespaces_->agent(),
      "ip link add bxt-br0 type bridge && ip addr add 192.168.50.1/24 dev bxt-br0 && "
      "ip link set bxt-br0 up");
  ASSERT_EQ(bridge.exit_code, 0) << bridge.out;
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.set_name("vm");
  spec.add_command("sleep");
  spec.add_command("60");
  v1::NetworkSpec* network = spec.mutable_network();
  network->set_mode("vif");
  v1::VifSpec* vif = network->mutable_vif();
  vif->set_bridge("bxt-br0");
  vif->set_host_interface("tap1234abcd-12");
  vif->set_mac("fa:16:3e:12:34:56");
  vif->set_mtu(1450);
  vif->add_addresses("192.168.50.10/24");
  vif->set_gateway("192.168.50.1");
  ASSERT_TRUE(Create(spec).ok());
  CommandResult started = agent_.Cli({"start", "vm"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  CommandResult host_end = namespaces_->RunIn(namespaces_->agent(), "ip -o link show tap1234abcd-12");
  EXPECT_NE(host_end.out.find("mtu 1450"), std::string::npos) << host_end.out;
  EXPECT_NE(host_end.out.find("master bxt-br0"), std::string::npos) << host_end.out;
  CommandResult inside = agent_.Cli({"exec", "vm", "sh", "-c", "ip -o link show eth0; ip route"});
  EXPECT_NE(inside.out.find("mtu 1450"), std::string::npos) << inside.out;
  EXPECT_NE(inside.out.find("fa:16:3e:12:34:56"), std::string::npos) << inside.out;
  EXPECT_NE(inside.out.find("default via 192.168.50.1"), std::string::npos) << inside.out;
  CommandResult ping = namespaces_->RunIn(namespaces_->agent(), "busybox ping -c1 -W2 192.168.50.10");
  EXPECT_EQ(ping.exit_code, 0) << ping.out;

  // A bridge that is not there: refused naming the field, unless create_bridge.
  vif->set_bridge("bxt-br1");
  vif->set_host_interface("tap2");
  spec.set_name("vm2");
  ASSERT_TRUE(Create(spec).ok());
  CommandResult missing = agent_.Cli({"start", "vm2"});
  EXPECT_NE(missing.err.find("spec.network.vif.bridge"), std::string::npos) << missing.err;
  vif->set_create_bridge(true);
  spec.set_name("vm3");
  vif->set_host_interface("tap3");
  ASSERT_TRUE(Create(spec).ok());
  CommandResult made = agent_.Cli({"start", "vm3"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "ip -o link show tap3 | grep -c 'master bxt-br1'").out, "1\n");

  agent_.RemoveAllContainers();
  CommandResult taps;
  for (int i = 0; i < 100; ++i) {
    taps = namespaces_->RunIn(namespaces_->agent(), "ip -o link | grep -c tap || true");
    if (taps.out == "0\n") break;
    usleep(50 * 1000);
  }
  EXPECT_EQ(taps.out, "0\n") << "no VIF host end left";

  // A host end named as a link that is not a VIF's veth (a second bridge here, eth0 on a
  // real host) is never deleted: the start fails and the link stays. The bridge's own name is
  // refused at Create.
  ASSERT_EQ(namespaces_->RunIn(namespaces_->agent(), "ip link add bxt-dummy type bridge").exit_code,
            0);
  spec.set_name("vm4");
  vif->set_host_interface("bxt-dummy");
  ASSERT_TRUE(Create(spec).ok());
  CommandResult clash = agent_.Cli({"start", "vm4"});
  EXPECT_NE(clash.exit_code, 0);
  EXPECT_NE(clash.err.find("spec.network.vif"), std::string::npos) << clash.err;
  EXPECT_EQ(agent_.Cli({"rm", "-f", "vm4"}).exit_code, 0);
  EXPECT_EQ(namespaces_->RunIn(namespaces_->agent(), "ip -o link show bxt-dummy | wc -l").out,
            "1\n")
      << "the start or the removal deleted a link that was not the VIF's";
  spec.set_name("vm5");
  vif->set_host_interface("bxt-br1");
  grpc::Status bridge_as_end = Create(spec);
  EXPECT_EQ(bridge_as_end.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bridge_as_end.error_message().find("spec.network.vif.host_interface"),
            std::string::npos)
      << bridge_as_end.error_message();
  (void)namespaces_->RunIn(namespaces_->agent(), "ip link del bxt-dummy");
}

TEST_F(NetworkTest, ConcurrentStartsGetDistinctAddressesAndPorts) {
  constexpr int kContainers = 12;
  const std::vector<CommandResult> results = CliAtOnce(std::vector<std::vector<std::string>>(
      kContainers, {"run", "-d", "--network", "tnet", "-p", "80", "busybox", "sleep", "60"}));
  std::set<std::string> addresses;
  std::set<uint32_t> host_ports;
  for (const auto& result : results) {
    ASSERT_EQ(result.exit_code, 0) << result.err;
    v1::Container container = Inspect(result.out.substr(0, result.out.find('\n')));
    EXPECT_EQ(container.state(), v1::CONTAINER_STATE_RUNNING);
    addresses.insert(container.network_endpoint().ip());
    ASSERT_EQ(container.published_ports_size(), 1);
    host_ports.insert(container.published_ports(0).host_port());
  }
  EXPECT_EQ(addresses.size(), static_cast<size_t>(kContainers)) << "one address each";
  EXPECT_EQ(host_ports.size(), static_cast<size_t>(kContainers)) << "one host port each";
  EXPECT_EQ(namespaces_->PortElements(), kContainers);
  EXPECT_EQ(HostVethsSettled(kContainers), kContainers);
}

TEST_F(NetworkTest, CreateRemoveCyclesLeakNothing) {
  // BOXCAR_NETWORK_CYCLES=1000 for the slow run (docs/networking.md).
  const char* env = std::getenv("BOXCAR_NETWORK_CYCLES");
  const int cycles = env ? std::atoi(env) : 200;
  for (int i = 0; i < cycles; ++i) {
    CommandResult result = RunRm({"--network", "tnet", "-p", "80"}, {"true"});
    ASSERT_EQ(result.exit_code, 0) << "cycle " << i << ": " << result.err;
  }
  ExpectNoNetworkLeaks();
}

}  // namespace
}  // namespace boxcar::testing
