#include "cli/dockerignore.h"

#include <sstream>

namespace boxcar::cli {
namespace {

// "a/./b/../c/" -> "a/c"; leading "/" dropped.
std::string Clean(const std::string& pattern) {
  std::vector<std::string> parts;
  std::stringstream stream(pattern);
  std::string part;
  while (std::getline(stream, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string cleaned;
  for (const auto& p : parts) cleaned += (cleaned.empty() ? "" : "/") + p;
  return cleaned;
}

std::string ToRegex(const std::string& pattern) {
  std::string regex;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        ++i;
        if (i + 1 < pattern.size() && pattern[i + 1] == '/') {
          ++i;
          regex += "(.*/)?";
        } else {
          regex += ".*";
        }
      } else {
        regex += "[^/]*";
      }
    } else if (c == '?') {
      regex += "[^/]";
    } else if (c == '[') {
      size_t end = pattern.find(']', i + 1);
      if (end == std::string::npos) {
        regex += "\\[";
      } else {
        std::string set = pattern.substr(i + 1, end - i - 1);
        if (!set.empty() && set[0] == '!') set[0] = '^';
        regex += "[" + set + "]";
        i = end;
      }
    } else if (c == '\\' && i + 1 < pattern.size()) {
      regex += "\\";
      regex += pattern[++i];
    } else if (std::string(".^$+(){}|").find(c) != std::string::npos) {
      regex += "\\";
      regex += c;
    } else {
      regex += c;
    }
  }
  return regex;
}

}  // namespace

DockerIgnore::DockerIgnore(const std::string& text) {
  std::stringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    size_t start = line.find_first_not_of(" \t\r");
    size_t end = line.find_last_not_of(" \t\r");
    if (start == std::string::npos) continue;
    line = line.substr(start, end - start + 1);
    if (line[0] == '#') continue;
    Rule rule;
    if (line[0] == '!') {
      rule.exception = true;
      has_exceptions_ = true;
      line = line.substr(1);
    }
    std::string cleaned = Clean(line);
    if (cleaned.empty()) continue;
    try {
      rule.pattern = std::regex(ToRegex(cleaned));
    } catch (const std::regex_error&) {
      continue;  // a malformed pattern matches nothing
    }
    rules_.push_back(std::move(rule));
  }
}

bool DockerIgnore::Excluded(const std::string& path) const {
  bool excluded = false;
  for (const auto& rule : rules_) {
    // The path itself or one of its parent directories.
    bool matched = false;
    for (size_t end = path.size(); !matched;) {
      if (std::regex_match(path.substr(0, end), rule.pattern)) matched = true;
      size_t slash = path.rfind('/', end - 1);
      if (end == 0 || slash == std::string::npos) break;
      end = slash;
    }
    if (matched) excluded = !rule.exception;
  }
  return excluded;
}

}  // namespace boxcar::cli
