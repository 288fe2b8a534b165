// `boxcar network prune`: RemoveNetwork for every network but the agent's default and the
// built-in bridge (as Docker keeps its `bridge`); the ones a container is on refuse, and stay.
#include <spdlog/spdlog.h>

#include "net/network_service.h"

namespace boxcar {

std::vector<std::string> NetworkService::PruneNetworks() {
  std::vector<std::string> removed;
  for (const v1::Network& network : ListNetworks()) {
    if (network.name() == config_.default_network || network.name() == kDefaultBridgeNetwork) {
      continue;
    }
    Status status = RemoveNetwork(network.name());
    if (status.ok()) {
      removed.push_back(network.name());
    } else if (status.code() != StatusCode::kFailedPrecondition &&
               status.code() != StatusCode::kNotFound) {
      spdlog::warn("prune: network {}: {}", network.name(), status.message());
    }
  }
  return removed;
}

}  // namespace boxcar
