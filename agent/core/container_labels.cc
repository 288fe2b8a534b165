#include "core/container_labels.h"

namespace boxcar {

namespace {

bool IsLabelKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '/' || c == '-';
}

}  // namespace

Status ValidateContainerLabels(const google::protobuf::Map<std::string, std::string>& labels,
                               const std::string& field) {
  if (labels.size() > kMaxContainerLabels) {
    return InvalidArgument(field + ": " + std::to_string(labels.size()) + " labels; at most " +
                           std::to_string(kMaxContainerLabels));
  }
  for (const auto& [key, value] : labels) {
    if (key.empty() || key.size() > kMaxLabelKeyLength) {
      return InvalidArgument(field + ": key '" + key + "' must have 1 to " +
                             std::to_string(kMaxLabelKeyLength) + " characters");
    }
    for (char c : key) {
      if (!IsLabelKeyCharacter(c)) {
        return InvalidArgument(field + ": key '" + key +
                               "' may hold only letters, digits and . _ / -");
      }
    }
    if (value.size() > kMaxLabelValueBytes) {
      return InvalidArgument(field + ": value of '" + key + "' is " + std::to_string(value.size()) +
                             " bytes; at most " + std::to_string(kMaxLabelValueBytes));
    }
  }
  return OkStatus();
}

}  // namespace boxcar
