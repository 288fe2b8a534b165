#include "cli/template_tree.h"

#include <cctype>

namespace boxcar::cli {

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

void TrimTrailingSpace(std::string* text) {
  while (!text->empty() && IsSpace(text->back())) text->pop_back();
}

std::string Trimmed(std::string text) {
  text.erase(0, text.find_first_not_of(" \t\n"));
  text.erase(text.find_last_not_of(" \t\n") + 1);
  return text;
}

std::string FirstWord(const std::string& action) {
  return action.substr(0, action.find_first_of(" \t\n"));
}

}  // namespace

StatusOr<std::vector<TemplateNode>> ParseTemplate(const std::string& given_template) {
  std::string format_template = given_template;
  for (size_t tab; (tab = format_template.find("\\t")) != std::string::npos;) {
    format_template.replace(tab, 2, "\t");
  }
  // The lists being filled: the template's, then each open range's body.
  std::vector<std::vector<TemplateNode>> open(1);
  std::vector<std::string> open_ranges;
  bool trim_next_text = false;
  size_t at = 0;
  while (at <= format_template.size()) {
    const size_t brace = format_template.find("{{", at);
    std::string text =
        format_template.substr(at, brace == std::string::npos ? std::string::npos : brace - at);
    if (trim_next_text) text.erase(0, text.find_first_not_of(" \t\n"));
    if (brace == std::string::npos) {
      if (!text.empty()) open.back().push_back({TemplateNode::Kind::kText, text, {}});
      break;
    }
    const size_t close = format_template.find("}}", brace);
    if (close == std::string::npos) {
      return InvalidArgument("--format: '{{' without '}}' in '" + format_template + "'");
    }
    std::string action = format_template.substr(brace + 2, close - brace - 2);
    if (action.rfind("- ", 0) == 0 || action == "-") {
      TrimTrailingSpace(&text);
      action.erase(0, 1);
    }
    trim_next_text = action.size() >= 2 && action.compare(action.size() - 2, 2, " -") == 0;
    if (trim_next_text) action.erase(action.size() - 1);
    if (!text.empty()) open.back().push_back({TemplateNode::Kind::kText, text, {}});
    action = Trimmed(action);
    at = close + 2;

    const std::string keyword = FirstWord(action);
    if (keyword == "range") {
      const std::string over = Trimmed(action.substr(5));
      if (over.empty()) return InvalidArgument("--format: {{range}} needs what to range over");
      if (over.find(":=") != std::string::npos) {
        return InvalidArgument("--format: '{{" + action +
                               "}}': variables are not supported; in {{range .X}} the element "
                               "is '.'");
      }
      open_ranges.push_back(over);
      open.emplace_back();
    } else if (keyword == "end") {
      if (open_ranges.empty()) return InvalidArgument("--format: {{end}} without {{range}}");
      TemplateNode range{TemplateNode::Kind::kRange, open_ranges.back(), std::move(open.back())};
      open.pop_back();
      open_ranges.pop_back();
      open.back().push_back(std::move(range));
    } else if (keyword == "if" || keyword == "else" || keyword == "with" || keyword == "define" ||
               keyword == "template" || keyword == "block") {
      return InvalidArgument("--format: {{" + keyword +
                             "}} is not supported; Boxcar's templates have .PATH, json, index, "
                             "len, join, upper, lower, title and {{range}}...{{end}}");
    } else {
      open.back().push_back({TemplateNode::Kind::kAction, action, {}});
    }
  }
  if (!open_ranges.empty()) {
    return InvalidArgument("--format: {{range " + open_ranges.back() + "}} without {{end}}");
  }
  return std::move(open.front());
}

StatusOr<std::vector<std::string>> ActionWords(const std::string& action) {
  std::vector<std::string> words;
  for (size_t at = 0; at < action.size();) {
    const char c = action[at];
    if (IsSpace(c)) {
      ++at;
    } else if (c == '(' || c == ')' || c == '|') {
      words.emplace_back(1, c);
      ++at;
    } else if (c == '"' || c == '`') {
      size_t end = at + 1;
      while (end < action.size() && action[end] != c)
        end += (c == '"' && action[end] == '\\') ? 2 : 1;
      if (end >= action.size()) {
        return InvalidArgument("--format: unterminated string in '{{" + action + "}}'");
      }
      words.push_back(action.substr(at, end + 1 - at));
      at = end + 1;
    } else {
      size_t end = at;
      while (end < action.size() && !IsSpace(action[end]) && action[end] != '(' &&
             action[end] != ')' && action[end] != '|')
        ++end;
      words.push_back(action.substr(at, end - at));
      at = end;
    }
  }
  return words;
}

}  // namespace boxcar::cli
