#include "common/signal_names.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>

namespace boxcar {

int ParseSignal(const std::string& text) {
  if (text.empty()) return 0;
  if (std::all_of(text.begin(), text.end(), ::isdigit)) {
    int number = text.size() <= 2 ? std::stoi(text) : 0;
    return number >= 1 && number < NSIG ? number : 0;
  }
  std::string name = text;
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  if (name.rfind("SIG", 0) == 0) name.erase(0, 3);
  for (int number = 1; number < NSIG; ++number) {
    const char* abbreviation = ::sigabbrev_np(number);
    if (abbreviation != nullptr && name == abbreviation) return number;
  }
  return 0;
}

}  // namespace boxcar
