#include "common/user_spec.h"

namespace boxcar {

Status CheckUserSpec(const std::string& user_spec, const std::string& field) {
  const size_t colon = user_spec.find(':');
  for (const std::string& part : {user_spec.substr(0, colon),
                                  colon == std::string::npos ? "" : user_spec.substr(colon + 1)}) {
    for (char c : part) {
      if (c == ':' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return InvalidArgument(field + ": '" + user_spec +
                               "' is not user[:group] (a name or id each, one ':')");
      }
    }
    if (!part.empty() && part.find_first_not_of("0123456789") == std::string::npos &&
        (part.size() > 10 || std::stoull(part) > kMaxUserId)) {
      return InvalidArgument(field + ": id " + part + " is out of range (0 to " +
                             std::to_string(kMaxUserId) + ")");
    }
  }
  if (colon == 0) return InvalidArgument(field + ": '" + user_spec + "' has a group but no user");
  return OkStatus();
}

Status CheckGroupSpec(const std::string& group, const std::string& field) {
  if (group.empty() || group.find(':') != std::string::npos) {
    return InvalidArgument(field + ": '" + group + "' is not a group name or gid");
  }
  // "0:<group>" is a user spec whose group part is this one: the same characters and range.
  return CheckUserSpec("0:" + group, field);
}

}  // namespace boxcar
