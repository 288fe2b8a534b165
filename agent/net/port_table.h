// The host ports published by containers. The kernel would accept two DNAT elements for one
// port silently, so the agent refuses a second claim here, and a port a host process has
// bound; port 0 picks a free port. A claim holds a socket bound to its port until released,
// as Docker does, so a host service started later fails to bind it (EADDRINUSE) instead of
// silently losing its traffic to the DNAT.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

class PortTable {
 public:
  // Claims host_ip:host_port/protocol for `container_id`; `host_port` 0 picks one and
  // returns it. `field` names the spec entry in errors.
  StatusOr<uint32_t> Claim(const std::string& container_id, const std::string& host_ip,
                           const std::string& protocol, uint32_t host_port,
                           const std::string& field);
  // The claim goes, and its socket is closed.
  void Release(const std::string& container_id, const std::string& host_ip,
               const std::string& protocol, uint32_t host_port);

 private:
  struct Claimant {
    std::string container_id;
    std::string host_ip;
    UniqueFd held_socket;  // bound to host_ip:port (TCP: listening, never accepting)
  };
  std::mutex mutex_;
  std::multimap<std::pair<std::string, uint32_t>, Claimant> claims_;  // (protocol, port)
};

}  // namespace boxcar
