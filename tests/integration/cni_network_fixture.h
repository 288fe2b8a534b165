// The fixture of the CNI networking tests (network_fixture.h, plus): a CNI network "cnet"
// (bridge + host-local + portmap + firewall from /usr/lib/cni, 10.210.0.0/24 on bxt-cni0),
// and the counts of what a container on a CNI network may leave behind, checked after every
// test: veths, per-container iptables chains and rules, host-local lease files, cached
// results, pinned network namespaces.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "network_fixture.h"

namespace boxcar::testing {

inline const std::string kServeHello =
    "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www";

class CniNetworkTest : public NetworkTest {
 protected:
  void SetUp() override {
    if (::access("/usr/lib/cni/bridge", X_OK) != 0) {
      GTEST_SKIP() << "containernetworking-plugins is not installed (deploy/install-deps.sh)";
    }
    NetworkTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    CommandResult created = CreateCniNetwork("cnet", Conflist("cnet", "bxt-cni0", "10.210.0.0/24"));
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  void TearDown() override {
    if (namespaces_) {
      agent_.RemoveAllContainers();
      ExpectNoCniLeaks();
    }
    NetworkTest::TearDown();
  }

  std::string IpamDir() const { return agent_.work_dir() + "/ipam"; }
  // bridge (gateway, masquerade, hairpin; ips and mac from the run's flags) with host-local,
  // portmap and firewall, as FACTS.md verified them. `extra_plugins`: JSON objects appended.
  std::string Conflist(const std::string& name, const std::string& bridge, const std::string& subnet,
                       const std::string& range = "", const std::string& extra_plugins = "") const {
    return R"({"cniVersion": "1.0.0", "name": ")" + name + R"(", "plugins": [
      {"type": "bridge", "bridge": ")" + bridge + R"(", "isGateway": true, "ipMasq": true,
       "hairpinMode": true, "capabilities": {"ips": true, "mac": true},
       "ipam": {"type": "host-local", "dataDir": ")" + IpamDir() + R"(",
                "ranges": [[{"subnet": ")" + subnet + "\"" + range + R"(}]],
                "routes": [{"dst": "0.0.0.0/0"}]}},
      {"type": "portmap", "capabilities": {"portMappings": true}},
      {"type": "firewall", "backend": "iptables"})" + extra_plugins + "]}";
  }
  CommandResult CreateCniNetwork(const std::string& name, const std::string& conflist) {
    const std::string path = agent_.work_dir() + "/" + name + ".conflist";
    std::ofstream(path) << conflist;
    return agent_.Cli({"network", "create", name, "--cni-conflist", path});
  }

  // What a container on a CNI network may leave behind.
  int Veths() const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(),
                                        "ip -o link show type veth | grep -c \": veth\" || true")
                         .out.c_str());
  }
  std::string IptablesSave() const {
    return namespaces_->RunIn(namespaces_->agent(), "iptables-save 2>/dev/null").out;
  }
  // Lines of iptables-save (nat and filter) matching the extended regex `pattern`.
  int IptablesLines(const std::string& pattern) const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(),
                                        "iptables-save 2>/dev/null | grep -cE \"" + pattern + "\" || true")
                         .out.c_str());
  }
  // Per-container chains and rules: portmap's CNI-DN-*, bridge's masquerade chain CNI-<24 hex>,
  // and every rule naming one container address (firewall, masquerade jump, CNI-ADMIN accept).
  int ContainerIptablesEntries() const {
    return IptablesLines("CNI-DN-|^:CNI-[0-9a-f]{24} |10\\.21[0-9]\\.0\\.[0-9]+/32");
  }
  int LeaseFiles() const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(),
                                        "ls " + IpamDir() + "/*/ 2>/dev/null | grep -c \"^10\\.\" || true")
                         .out.c_str());
  }
  int CachedResults() const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(),
                                        "ls " + agent_.root_dir() + "/cni/results 2>/dev/null | wc -l")
                         .out.c_str());
  }
  int Pins() const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(),
                                        "(ls " + agent_.root_dir() + "/cni/netns 2>/dev/null; grep \"" +
                                            agent_.root_dir() + "/cni/netns\" /proc/self/mountinfo) | wc -l")
                         .out.c_str());
  }
  void ExpectCniCounts(int containers) {
    EXPECT_EQ(Settled([&] { return Veths(); }, containers), containers) << "veths";
    EXPECT_EQ(Settled([&] { return CachedResults(); }, containers), containers) << "cached results";
    EXPECT_EQ(Settled([&] { return Pins(); }, 2 * containers), 2 * containers) << "pins and their mounts";
    EXPECT_EQ(Settled([&] { return LeaseFiles(); }, containers), containers) << "host-local leases";
    if (containers == 0) {
      EXPECT_EQ(Settled([&] { return ContainerIptablesEntries(); }, 0), 0) << IptablesSave();
    }
  }
  void ExpectNoCniLeaks() { ExpectCniCounts(0); }
};

}  // namespace boxcar::testing
