// The network world of a networking test, made of namespaces only (the host's own network is
// never touched): "agent" (where boxcard runs: its bridges, veths and nftables table live
// there) and "remote" (the outside world), joined by a veth: agent 198.18.0.1/24 (bxt-out),
// remote 198.18.0.2/24. Both are deleted, with all they hold, in the destructor.
#pragma once

#include <string>

#include "agent_harness.h"

namespace boxcar::testing {

inline constexpr const char* kAgentSideAddress = "198.18.0.1";
inline constexpr const char* kRemoteAddress = "198.18.0.2";

class NetworkNamespaces {
 public:
  NetworkNamespaces();
  ~NetworkNamespaces();

  const std::string& agent() const { return agent_; }
  const std::string& remote() const { return remote_; }
  // `command` through sh, inside namespace `name`.
  CommandResult RunIn(const std::string& name, const std::string& command) const;
  // Starts busybox httpd on port 8000 in "remote", serving `dir` (made here, the caller's to
  // remove): `/` answers "out", `/cgi-bin/addr` the address the request came from.
  CommandResult ServeHttpOnRemote(const std::string& dir) const;
  // What an agent left in its namespace: veths named bx*, port map elements, the host ports
  // boxcard holds (TCP listening, UDP bound), non-TCP conntrack entries DNATed to an address
  // starting with `address_prefix` ("10.201.0."), and (from its database under `root_dir`) address
  // leases.
  int HostVeths() const;
  int PortElements() const;
  int HeldPorts() const;
  int ConntrackEntries(const std::string& address_prefix) const;
  std::string ConntrackListing() const;  // for failure messages
  // "bound" if a server's bind(2) (SO_REUSEADDR; TCP also listen) of 0.0.0.0:`port` succeeds
  // in the agent's namespace, else the errno's name ("EADDRINUSE").
  std::string BindInAgentNamespace(const std::string& protocol, int port) const;
  static int Leases(const std::string& root_dir);

 private:
  std::string agent_;
  std::string remote_;
};

}  // namespace boxcar::testing
