// The long leak run of the networking issue: create / rm cycles with networking on the
// built-in boxcar0 and on a CNI conflist (cni_network_fixture.h), one of each per cycle, and a
// census of everything a networked container may leave, taken before and after: veths,
// network namespaces, nftables elements and rules, iptables chains and rules, leases (the
// agent's and host-local's), cached CNI results, mounts, cgroups and processes. Every count
// must be the same after as before. BOXCAR_NETWORK_CYCLES sets the cycles (20 under ctest;
// docs/networking.md has the command of the 1,000-cycle run).
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cni_network_fixture.h"

namespace boxcar::testing {
namespace {

int Lines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

class NetworkCyclesTest : public CniNetworkTest {
 protected:
  int InAgentNamespace(const std::string& command) const {
    return std::atoi(namespaces_->RunIn(namespaces_->agent(), command).out.c_str());
  }
  // `program` for python3 -c inside RunIn's sh -c '...' (so: no single quotes in it).
  static std::string Python(const std::string& program) {
    std::string quoted;
    for (char c : program) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') quoted += '\\';
      quoted += c;
    }
    return "python3 -c \"" + quoted + "\"";
  }
  // Elements of every set and map, and rules, of Boxcar's nftables table (none: no table).
  int NftElements() const {
    return InAgentNamespace("nft -j list table ip boxcar 2>/dev/null | " +
                            Python(R"(import json, sys
text = sys.stdin.read()
items = json.loads(text)["nftables"] if text.strip() else []
print(sum(len(item.get("set", item.get("map", {})).get("elem", [])) for item in items))
)"));
  }
  int NftRules() const {
    return InAgentNamespace("nft -j list table ip boxcar 2>/dev/null | " +
                            Python(R"(import json, sys
text = sys.stdin.read()
items = json.loads(text)["nftables"] if text.strip() else []
print(sum(1 for item in items if "rule" in item))
)"));
  }
  // Prewarmed helpers sit in cgroup slots; the pool keeps between count/2 and count of them,
  // so they are left out of the process counts.
  static bool InPrewarmSlot(const std::string& pid) {
    return ReadText("/proc/" + pid + "/cgroup").find("/slot-") != std::string::npos;
  }
  int ShimsOutsideSlots() const {
    int shims = 0;
    std::istringstream listed(agent_.LeftoverShims());  // "shim pid N" lines
    for (std::string word, pid; listed >> word >> word >> pid;) shims += !InPrewarmSlot(pid);
    return shims;
  }
  // Idle veth pairs of prewarmed helpers (host end "bw" + the last 11 characters of the
  // helper's slot, net/idle_veth.h) are left out of the veth count like their helpers; one
  // whose helper is gone would be a leak.
  int IdleVethsWithoutHelper() const {
    std::set<std::string> slot_ends;
    std::istringstream listed(agent_.LeftoverShims());  // "shim pid N" lines
    for (std::string word, pid; listed >> word >> word >> pid;) {
      const std::string cgroup = ReadText("/proc/" + pid + "/cgroup");
      const auto slot = cgroup.find("/slot-");
      if (slot == std::string::npos) continue;
      const std::string name = cgroup.substr(slot + 1, cgroup.find('\n', slot) - slot - 1);
      if (name.size() > 11) slot_ends.insert(name.substr(name.size() - 11));
    }
    int orphans = 0;
    std::istringstream idle(namespaces_->RunIn(namespaces_->agent(),
                                               "ip -o link show type veth | "
                                               "grep -o \": bw[0-9a-f]*\" || true")
                                .out);
    for (std::string colon, name; idle >> colon >> name;) orphans += !slot_ends.count(name.substr(2));
    return orphans;
  }
  // The agent's own children outside the slots (shims of running containers, plugins, ...).
  int AgentChildren() const {
    int children = 0;
    const std::string task_dir = "/proc/" + std::to_string(agent_.agent_pid()) + "/task";
    if (DIR* tasks = ::opendir(task_dir.c_str())) {
      while (auto* task = ::readdir(tasks)) {
        if (task->d_name[0] == '.') continue;
        std::istringstream pids(ReadText(task_dir + "/" + task->d_name + "/children"));
        for (std::string pid; pids >> pid;) children += !InPrewarmSlot(pid);
      }
      ::closedir(tasks);
    }
    return children;
  }
  static std::string ReadText(const std::string& path) {
    std::ifstream file(path);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }
  using Census = std::map<std::string, int>;
  std::map<std::string, std::function<int()>> Counters() {
    return {
        {"veths in the agent's namespace (prewarmed idle pairs aside)",
         [&] { return InAgentNamespace("ip -o link show type veth | grep -vc \": bw\""); }},
        {"idle veth pairs without their prewarmed helper", [&] { return IdleVethsWithoutHelper(); }},
        {"boxcar0 host veths (bx*)", [&] { return namespaces_->HostVeths(); }},
        {"CNI network namespace pins (files + mounts)", [&] { return Pins(); }},
        {"nftables elements", [&] { return NftElements(); }},
        {"nftables rules", [&] { return NftRules(); }},
        {"iptables chains",
         [&] { return InAgentNamespace("iptables-save 2>/dev/null | grep -c \"^:\""); }},
        {"iptables rules",
         [&] { return InAgentNamespace("iptables-save 2>/dev/null | grep -c \"^-A\""); }},
        {"per-container CNI chains and rules", [&] { return ContainerIptablesEntries(); }},
        {"agent address leases", [&] { return NetworkNamespaces::Leases(agent_.root_dir()); }},
        {"host-local leases", [&] { return LeaseFiles(); }},
        {"cached CNI results", [&] { return CachedResults(); }},
        {"mounts under the agent's root", [&] { return Lines(agent_.LeftoverMounts()); }},
        {"container cgroups (slots aside)", [&] { return Lines(agent_.LeftoverCgroups()); }},
        {"boxcar-shim processes (prewarmed aside)", [&] { return ShimsOutsideSlots(); }},
        {"the agent's child processes (prewarmed aside)", [&] { return AgentChildren(); }},
    };
  }
  Census Take(const Census& expected = {}) {
    Census census;
    for (const auto& [what, count] : Counters()) {
      auto wanted = expected.find(what);
      census[what] = wanted == expected.end() ? count() : Settled(count, wanted->second);
    }
    return census;
  }
};

TEST_F(NetworkCyclesTest, CreateRemoveCyclesOnBoxcar0AndACniConflistLeaveNothing) {
  const char* env = std::getenv("BOXCAR_NETWORK_CYCLES");
  const int cycles = env ? std::atoi(env) : 20;
  // boxcar0 is made at its first use, and its bridge, table and subnet element stay: one run
  // on each network first, so the census sees only what the cycles leave.
  for (const char* network : {"boxcar0", "cnet"}) {
    CommandResult first = RunRm({"--network", network, "-p", "80"}, {"true"});
    ASSERT_EQ(first.exit_code, 0) << network << ": " << first.err;
  }
  // `run --rm` returns before the CNI DEL of its container has run (it runs in the exit's
  // deferred clean-up): the census starts once it has.
  ASSERT_EQ(Settled([&] { return CachedResults(); }, 0), 0);
  const Census before = Take();
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < cycles; ++i) {
    for (const char* network : {"boxcar0", "cnet"}) {
      CommandResult result = RunRm({"--network", network, "-p", "80"}, {"true"});
      ASSERT_EQ(result.exit_code, 0) << network << ", cycle " << i << ": " << result.err;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const Census after = Take(before);
  std::ostringstream table;
  table << cycles << " create/rm cycles on boxcar0 and " << cycles << " on a CNI conflist ("
        << seconds << " s), before -> after:\n";
  for (const auto& [what, count] : before) {
    table << "  " << what << ": " << count << " -> " << after.at(what) << "\n";
    EXPECT_EQ(after.at(what), count) << what;
  }
  // How many boxcar0 starts took the fast path (0 where the pool has no helpers, cgroup v2).
  const std::string log = ReadText(agent_.work_dir() + "/agent.log");
  int claimed = 0;
  for (auto at = log.find("prewarmed veth"); at != std::string::npos;
       at = log.find("prewarmed veth", at + 1)) {
    ++claimed;
  }
  table << "  (starts that claimed a prewarmed veth pair: " << claimed << ")\n";
  std::printf("%s", table.str().c_str());
  RecordProperty("census", table.str());
  EXPECT_EQ(before.at("agent address leases"), 0);
  EXPECT_EQ(before.at("cached CNI results"), 0);
  EXPECT_EQ(before.at("idle veth pairs without their prewarmed helper"), 0);
}

}  // namespace
}  // namespace boxcar::testing
