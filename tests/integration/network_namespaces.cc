#include "network_namespaces.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace boxcar::testing {

namespace {

CommandResult Shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

int Count(const CommandResult& result) {
  return result.exit_code == 0 ? std::atoi(result.out.c_str()) : -1;
}

}  // namespace

NetworkNamespaces::NetworkNamespaces() {
  static int counter = 0;
  const std::string suffix = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  agent_ = "bxt-a-" + suffix;
  remote_ = "bxt-r-" + suffix;
  const std::string setup =
      "set -e; ip netns add " + agent_ + "; ip netns add " + remote_ +
      "; ip -n " + agent_ + " link set lo up; ip -n " + remote_ + " link set lo up" +
      "; ip -n " + agent_ + " link add bxt-out type veth peer name bxt-in netns " + remote_ +
      "; ip -n " + agent_ + " addr add 198.18.0.1/24 dev bxt-out; ip -n " + agent_ +
      " link set bxt-out up; ip -n " + remote_ + " addr add 198.18.0.2/24 dev bxt-in; ip -n " +
      remote_ + " link set bxt-in up";
  CommandResult made = Shell(setup);
  EXPECT_EQ(made.exit_code, 0) << made.out;
}

NetworkNamespaces::~NetworkNamespaces() {
  // Processes still inside (a test's server) would keep a namespace alive.
  for (const auto& name : {agent_, remote_}) {
    Shell("ip netns pids " + name + " | xargs -r kill -9; ip netns del " + name);
  }
}

CommandResult NetworkNamespaces::RunIn(const std::string& name, const std::string& command) const {
  return Shell("ip netns exec " + name + " sh -c '" + command + "'");
}

CommandResult NetworkNamespaces::ServeHttpOnRemote(const std::string& dir) const {
  const std::string addr = dir + "/cgi-bin/addr";
  return RunIn(remote_, "mkdir -p " + dir + "/cgi-bin && echo out > " + dir + "/index.html && " +
                            "printf \"#!/bin/busybox sh\\necho\\necho \\$REMOTE_ADDR\\n\" > " +
                            addr + " && chmod +x " + addr + " && busybox httpd -p 8000 -h " + dir);
}

int NetworkNamespaces::HostVeths() const {
  return Count(Shell("ip -n " + agent_ + " -o link show type veth | grep -c ': b[xy][0-9a-f]\\{11\\}@' || true"));
}

int NetworkNamespaces::PortElements() const {
  // No table (no network used yet) is no element.
  return Count(Shell("ip netns exec " + agent_ +
                     " nft -j list table ip boxcar 2>/dev/null | python3 -c 'import json,sys\n"
                     "t=sys.stdin.read()\n"
                     "d=json.loads(t) if t.strip() else {\"nftables\":[]}\n"
                     "print(sum(len(x[\"map\"].get(\"elem\",[])) for x in d[\"nftables\"] "
                     "if \"map\" in x))'"));
}

int NetworkNamespaces::HeldPorts() const {
  return Count(Shell("ip netns exec " + agent_ + " ss -Htuanp | grep -c '\"boxcard\"' || true"));
}

int NetworkNamespaces::ConntrackEntries(const std::string& address_prefix) const {
  // UDP (and other non-TCP) flows DNATed to a container (its published ports: the reply comes
  // from its address, the original went to another): the agent deletes them when it goes.
  // TCP ones stay, as Docker's (a connection to a gone container fails; a new one is a new
  // flow), and so do its own outbound flows, harmless to the next holder of its address.
  const std::string count_dnated =
      "awk -v p=" + address_prefix +
      " '$1 == \"tcp\" { next } { od = \"\"; rs = \"\"; n = 0; for (i = 1; i <= NF; i++) {"
      " if ($i ~ /^dst=/ && od == \"\") od = substr($i, 5);"
      " if ($i ~ /^src=/ && ++n == 2) rs = substr($i, 5) }"
      " if (index(rs, p) == 1 && od != rs) c++ } END { print c + 0 }'";
  return Count(
      Shell("ip netns exec " + agent_ + " conntrack -L -f ipv4 2>/dev/null | " + count_dnated));
}

std::string NetworkNamespaces::ConntrackListing() const {
  return Shell("ip netns exec " + agent_ + " conntrack -L -f ipv4 2>/dev/null").out;
}

std::string NetworkNamespaces::BindInAgentNamespace(const std::string& protocol, int port) const {
  const std::string script =
      "import errno, socket, sys\n"
      "kind = socket.SOCK_DGRAM if sys.argv[1] == 'udp' else socket.SOCK_STREAM\n"
      "s = socket.socket(socket.AF_INET, kind)\n"
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
      "try:\n"
      "    s.bind(('0.0.0.0', int(sys.argv[2])))\n"
      "    if kind == socket.SOCK_STREAM: s.listen(1)\n"
      "    print('bound')\n"
      "except OSError as e:\n"
      "    print(errno.errorcode[e.errno])\n";
  CommandResult result = Shell("ip netns exec " + agent_ + " python3 -c \"" + script + "\" " +
                               protocol + " " + std::to_string(port));
  while (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
  return result.out;
}

int NetworkNamespaces::Leases(const std::string& root_dir) {
  return Count(Shell("sqlite3 " + root_dir + "/state.db 'SELECT count(*) FROM network_leases'"));
}

}  // namespace boxcar::testing
