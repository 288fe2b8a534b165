// Whether a setting like OS_INSECURE (or clouds.yaml's `insecure`) asks for TLS without
// verification: anything but "", "false", "f", "0", "no", "n" and "off" (any case), so that an
// odd spelling is refused rather than ignored. Boxcar never turns verification off; callers
// refuse such a setting, naming the CA option to use instead.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace boxcar {

inline bool IsInsecureValue(const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* no : {"", "false", "f", "0", "no", "n", "off"}) {
    if (lower == no) return false;
  }
  return true;
}

}  // namespace boxcar
