#include "launch/joined_namespace.h"

#include <cstdlib>

namespace boxcar {

namespace {

bool IsNamespaceType(const std::string& type) {
  return type == "net" || type == "pid" || type == "ipc" || type == "uts";
}

bool ParseDecimal(const std::string& text, uint64_t* value) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *value = std::strtoull(text.c_str(), nullptr, 10);
  return true;
}

}  // namespace

std::string JoinedNamespaceToText(const JoinedNamespace& joined) {
  if (joined.host()) return joined.type + ":host";
  return joined.type + ":" + std::to_string(joined.pid) + ":" + std::to_string(joined.start_ticks);
}

StatusOr<JoinedNamespace> JoinedNamespaceFromText(const std::string& text) {
  const Status bad = InvalidArgument("launch spec: joined namespace '" + text +
                                     "' is not TYPE:host or TYPE:PID:START_TICKS");
  JoinedNamespace joined;
  auto colon = text.find(':');
  if (colon == std::string::npos) return bad;
  joined.type = text.substr(0, colon);
  if (!IsNamespaceType(joined.type)) return bad;
  const std::string rest = text.substr(colon + 1);
  if (rest == "host") return joined;
  auto second = rest.find(':');
  uint64_t pid = 0;
  if (second == std::string::npos || !ParseDecimal(rest.substr(0, second), &pid) ||
      !ParseDecimal(rest.substr(second + 1), &joined.start_ticks) || pid == 0 || pid > 0x3fffffff) {
    return bad;
  }
  joined.pid = static_cast<pid_t>(pid);
  return joined;
}

const JoinedNamespace* FindJoinedNamespace(const std::vector<JoinedNamespace>& joined,
                                           const std::string& type) {
  for (const auto& entry : joined) {
    if (entry.type == type) return &entry;
  }
  return nullptr;
}

}  // namespace boxcar
