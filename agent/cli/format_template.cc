#include "cli/format_template.h"

namespace boxcar::cli {

StatusOr<std::string> ExpandFormatTemplate(
    const std::string& given_template,
    const std::function<StatusOr<std::string>(const std::string& field)>& value_of) {
  std::string format_template = given_template;
  for (size_t tab; (tab = format_template.find("\\t")) != std::string::npos;) {
    format_template.replace(tab, 2, "\t");
  }
  std::string out;
  size_t at = 0;
  while (at < format_template.size()) {
    size_t open = format_template.find("{{", at);
    if (open == std::string::npos) {
      out += format_template.substr(at);
      break;
    }
    out += format_template.substr(at, open - at);
    size_t close = format_template.find("}}", open);
    if (close == std::string::npos) {
      return InvalidArgument("--format: '{{' without '}}' in '" + format_template + "'");
    }
    std::string field = format_template.substr(open + 2, close - open - 2);
    field.erase(0, field.find_first_not_of(' '));
    field.erase(field.find_last_not_of(' ') + 1);
    ASSIGN_OR_RETURN(std::string value, value_of(field));
    out += value;
    at = close + 2;
  }
  return out;
}

}  // namespace boxcar::cli
