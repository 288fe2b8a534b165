// Network aliases (`run --network-alias`, `network connect --alias`): more names of a
// container on one network, written beside its name into the hosts files of the network's
// containers (RefreshHosts), kept in the record (spec.network.aliases, or the connection's
// VifSpec.aliases) and so back after an agent restart.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// A hostname of DNS labels ([a-zA-Z0-9], '-' inside a label, at most 63 characters each, '.'
// between them, at most 253 in all); INVALID_ARGUMENT naming `field`.
Status CheckNetworkAlias(const std::string& alias, const std::string& field);
// Each of `aliases` checked (errors name `field_prefix`[i]), and that network `mode` takes
// aliases: only one made by `network create`, as Docker's (not none, host, vif, nor the
// built-in network); INVALID_ARGUMENT naming `field_prefix`.
Status CheckNetworkAliases(const std::vector<std::string>& aliases, const std::string& mode,
                           const std::string& field_prefix);
// `names` with each alias not in it yet appended.
void AppendAliases(const std::vector<std::string>& aliases, std::vector<std::string>* names);

}  // namespace boxcar
