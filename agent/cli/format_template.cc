#include "cli/format_template.h"

#include "cli/human_format.h"

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

StatusOr<std::vector<std::string>> FormattedLines(
    const std::string& format, size_t count,
    const std::function<StatusOr<std::string>(const std::string& format_template, int index)>&
        expand) {
  const bool table = format.rfind("table ", 0) == 0;
  const std::string format_template = table ? format.substr(6) : format;
  std::vector<std::string> lines;
  for (int i = table ? -1 : 0; i < static_cast<int>(count); ++i) {
    ASSIGN_OR_RETURN(std::string line, expand(format_template, i));
    lines.push_back(std::move(line));
  }
  if (!table) return lines;
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : lines) {
    std::vector<std::string> cells;
    size_t begin = 0;
    for (size_t tab; (tab = line.find('\t', begin)) != std::string::npos; begin = tab + 1) {
      cells.push_back(line.substr(begin, tab - begin));
    }
    cells.push_back(line.substr(begin));
    rows.push_back(std::move(cells));
  }
  return TableLines(rows);
}

}  // namespace boxcar::cli
