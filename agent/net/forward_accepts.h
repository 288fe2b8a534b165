// A bridge network's traffic through a host FORWARD policy of DROP (Docker's and many
// firewalls' choice). NOTE: an accept in Boxcar's own nftables table does not help: every base
// chain on the forward hook must accept, and the drop is the policy of iptables' filter
// FORWARD chain. So, when that chain's policy is DROP, three rules go at its top (iptables
// program, comment "boxcar NAME"): new connections DNATed to the subnet (published ports),
// replies to the subnet, and what leaves the bridge (egress, hairpin, replies).
// NOTE: checked when a network is first used after the agent's start; a policy set to DROP
// later takes effect for the network at the agent's next start.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// The rules, when the filter FORWARD policy is DROP; nothing otherwise (and no iptables run
// creates a table). A failure is the caller's to log: the network works without them.
Status EnsureForwardAccepts(const std::string& network, const std::string& subnet,
                            const std::string& bridge);
// The rules, where there are any.
void RemoveForwardAccepts(const std::string& network, const std::string& subnet,
                          const std::string& bridge);

}  // namespace boxcar
