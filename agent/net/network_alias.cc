#include "net/network_alias.h"

#include <algorithm>
#include <cctype>

#include "net/network_service.h"

namespace boxcar {

Status CheckNetworkAlias(const std::string& alias, const std::string& field) {
  if (alias.empty()) return InvalidArgument(field + ": empty");
  if (alias.size() > 253) return InvalidArgument(field + ": longer than 253 characters");
  size_t label_start = 0;
  while (label_start <= alias.size()) {
    size_t label_end = alias.find('.', label_start);
    if (label_end == std::string::npos) label_end = alias.size();
    const std::string label = alias.substr(label_start, label_end - label_start);
    if (label.empty() || label.size() > 63) {
      return InvalidArgument(field + ": '" + alias +
                             "' is not a hostname (each dot-separated label has 1-63 characters)");
    }
    for (size_t i = 0; i < label.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(label[i]);
      const bool edge = i == 0 || i + 1 == label.size();
      if (!std::isalnum(c) && !(c == '-' && !edge)) {
        return InvalidArgument(field + ": '" + alias +
                               "' is not a hostname (letters, digits, '-' inside a label, '.' "
                               "between labels)");
      }
    }
    label_start = label_end + 1;
  }
  return OkStatus();
}

Status CheckNetworkAliases(const std::vector<std::string>& aliases, const std::string& mode,
                           const std::string& field_prefix) {
  if (aliases.empty()) return OkStatus();
  for (size_t i = 0; i < aliases.size(); ++i) {
    RETURN_IF_ERROR(CheckNetworkAlias(aliases[i], field_prefix + "[" + std::to_string(i) + "]"));
  }
  if (mode == kNetworkNone || mode == kNetworkHost || mode == kNetworkVif ||
      mode == kDefaultBridgeNetwork) {
    return InvalidArgument(field_prefix +
                           ": aliases need a network made by `network create`, not '" + mode + "'");
  }
  return OkStatus();
}

void AppendAliases(const std::vector<std::string>& aliases, std::vector<std::string>* names) {
  for (const auto& alias : aliases) {
    if (std::find(names->begin(), names->end(), alias) == names->end()) names->push_back(alias);
  }
}

}  // namespace boxcar
