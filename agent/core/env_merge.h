// Environments merged by key, as Docker does: an image's defaults, then a container's or an
// exec's entries replacing those of the same key.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

namespace boxcar {

inline std::string EnvKey(const std::string& entry) { return entry.substr(0, entry.find('=')); }

inline std::vector<std::string> MergeEnv(
    const google::protobuf::RepeatedPtrField<std::string>& base,
    const google::protobuf::RepeatedPtrField<std::string>& overrides) {
  std::vector<std::string> merged(base.begin(), base.end());
  for (const auto& entry : overrides) {
    auto same_key = [&](const std::string& existing) { return EnvKey(existing) == EnvKey(entry); };
    merged.erase(std::remove_if(merged.begin(), merged.end(), same_key), merged.end());
    merged.push_back(entry);
  }
  return merged;
}

}  // namespace boxcar
