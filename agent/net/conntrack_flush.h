// Deletes connection-tracking entries through libnetfilter_conntrack. NAT is decided at a
// flow's first packet only: once a published container is gone, its entries would keep sending
// a client's flow (a UDP one as long as it keeps sending) to the old address, and an entry made
// while the port was unpublished would keep the flow off the new container's DNAT. As Docker
// does, the entries of a container's address go when it leaves its network and the UDP entries
// of a host port go when it is published.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// Entries of IPv4 flows to delete; an entry goes when it matches any part.
struct ConntrackFlush {
  // Entries with this address at either end, in either direction (DNATed to it, masqueraded
  // from it, or to it directly).
  std::vector<std::string> addresses;
  struct HostPort {
    std::string protocol;  // "tcp" or "udp"
    std::string host_ip;   // empty: to any address
    uint32_t host_port = 0;
  };
  // Entries of flows sent to this port (the original direction's destination).
  std::vector<HostPort> host_ports;

  bool empty() const { return addresses.empty() && host_ports.empty(); }
};

// Deletes the entries `flush` matches in the network namespace of the calling thread (the
// agent's: its conntrack table is the one its nftables NAT fills). The number deleted.
StatusOr<int> DeleteConntrackEntries(const ConntrackFlush& flush);

}  // namespace boxcar
