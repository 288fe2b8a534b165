// Rules Boxcar puts into iptables chains it does not own, through the `iptables` program (the
// host's choice of backend, nft or legacy, and a rule format its other users can still read):
// the accepts a FORWARD policy of DROP needs (an accept in Boxcar's own nftables table cannot
// override a drop in another table's forward chain: every base chain of the hook must accept).
// Each rule carries a comment naming Boxcar, and is added once however often it is ensured.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// `iptables -S CHAIN` of the filter table; NOT_FOUND when there is no such chain or no iptables.
StatusOr<std::string> ListIptablesChain(const std::string& chain);
// Inserts `rule` at the top of `chain` unless the same rule is there already.
Status EnsureIptablesRule(const std::string& chain, const std::vector<std::string>& rule);
// Deletes every copy of `rule` from `chain`; absent (rule, chain or iptables) is fine.
Status DeleteIptablesRule(const std::string& chain, const std::vector<std::string>& rule);

}  // namespace boxcar
