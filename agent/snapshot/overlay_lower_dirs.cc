#include "snapshot/overlay_lower_dirs.h"

#include <unordered_set>

namespace boxcar {

std::vector<std::string> DistinctLowerDirs(const std::vector<std::string>& layer_dirs) {
  // From the top down, so the first one seen of a directory is its topmost.
  std::vector<std::string> distinct;
  std::unordered_set<std::string> seen;
  for (auto dir = layer_dirs.rbegin(); dir != layer_dirs.rend(); ++dir) {
    if (seen.insert(*dir).second) distinct.push_back(*dir);
  }
  return {distinct.rbegin(), distinct.rend()};
}

}  // namespace boxcar
