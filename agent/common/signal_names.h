// "SIGTERM", "TERM", "term" or "15" -> 15.
#pragma once

#include <string>

namespace boxcar {

// Returns 0 when `text` names no signal.
int ParseSignal(const std::string& text);

}  // namespace boxcar
