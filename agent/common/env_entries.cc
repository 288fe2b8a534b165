#include "common/env_entries.h"

namespace boxcar {

Status CheckEnvEntries(const google::protobuf::RepeatedPtrField<std::string>& env,
                       const std::string& field) {
  for (int i = 0; i < env.size(); ++i) {
    const std::string& entry = env.Get(i);
    if (entry.empty() || entry[0] == '=' || entry.find('=') == std::string::npos) {
      return InvalidArgument(field + "[" + std::to_string(i) + "]: '" + entry +
                             "' is not KEY=value");
    }
  }
  return OkStatus();
}

}  // namespace boxcar
