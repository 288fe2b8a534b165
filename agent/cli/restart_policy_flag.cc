#include "cli/restart_policy_flag.h"

#include <cctype>
#include <cstdlib>

namespace boxcar::cli {

StatusOr<v1::RestartPolicy> ParseRestartPolicy(const std::string& text) {
  v1::RestartPolicy policy;
  std::string mode = text.substr(0, text.find(':'));
  std::string count = text.find(':') == std::string::npos ? "" : text.substr(text.find(':') + 1);
  if (mode == "no" && count.empty()) {
    policy.set_mode(v1::RestartPolicy::MODE_NO);
  } else if (mode == "always" && count.empty()) {
    policy.set_mode(v1::RestartPolicy::MODE_ALWAYS);
  } else if (mode == "on-failure") {
    policy.set_mode(v1::RestartPolicy::MODE_ON_FAILURE);
    if (!count.empty()) {
      char* end = nullptr;
      unsigned long retries = std::strtoul(count.c_str(), &end, 10);
      if (!std::isdigit(static_cast<unsigned char>(count[0])) || *end != '\0' ||
          retries > 1000000) {
        return InvalidArgument("--restart '" + text +
                               "': the retry count must be a number from 0 to 1000000");
      }
      policy.set_max_retries(static_cast<uint32_t>(retries));
    }
  } else {
    return InvalidArgument("--restart '" + text +
                           "' is not a policy; use no, on-failure[:N] or always");
  }
  return policy;
}

std::string RestartPolicyText(const v1::RestartPolicy& policy) {
  switch (policy.mode()) {
    case v1::RestartPolicy::MODE_ALWAYS:
      return "always";
    case v1::RestartPolicy::MODE_ON_FAILURE:
      return policy.max_retries() ? "on-failure:" + std::to_string(policy.max_retries())
                                  : "on-failure";
    default:
      return "no";
  }
}

}  // namespace boxcar::cli
