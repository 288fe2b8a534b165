#include "net/forward_accepts.h"

#include <vector>

#include "net/iptables_rules.h"

namespace boxcar {

namespace {

constexpr const char* kForwardChain = "FORWARD";

std::vector<std::vector<std::string>> Rules(const std::string& network, const std::string& subnet,
                                            const std::string& bridge) {
  const std::vector<std::string> comment{"-m", "comment", "--comment", "boxcar " + network};
  auto with_comment = [&comment](std::vector<std::string> rule) {
    rule.insert(rule.end() - 2, comment.begin(), comment.end());
    return rule;
  };
  return {with_comment({"-d", subnet, "-o", bridge, "-m", "conntrack", "--ctstate", "DNAT", "-j",
                        "ACCEPT"}),
          with_comment({"-d", subnet, "-o", bridge, "-m", "conntrack", "--ctstate",
                        "RELATED,ESTABLISHED", "-j", "ACCEPT"}),
          with_comment({"-i", bridge, "-j", "ACCEPT"})};
}

}  // namespace

Status EnsureForwardAccepts(const std::string& network, const std::string& subnet,
                            const std::string& bridge) {
  auto listed = ListIptablesChain(kForwardChain);
  if (!listed.ok() || listed->find("-P FORWARD DROP") == std::string::npos) return OkStatus();
  for (const auto& rule : Rules(network, subnet, bridge)) {
    RETURN_IF_ERROR(EnsureIptablesRule(kForwardChain, rule)
                        .Annotate("network " + network + ": accept in FORWARD (policy DROP)"));
  }
  return OkStatus();
}

void RemoveForwardAccepts(const std::string& network, const std::string& subnet,
                          const std::string& bridge) {
  auto listed = ListIptablesChain(kForwardChain);
  if (!listed.ok() || listed->find("\"boxcar " + network + "\"") == std::string::npos) return;
  for (const auto& rule : Rules(network, subnet, bridge)) {
    (void)DeleteIptablesRule(kForwardChain, rule);
  }
}

}  // namespace boxcar
