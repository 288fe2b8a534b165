#include "build/dockerfile_parser.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace boxcar {
namespace {

const std::set<std::string>& KnownInstructions() {
  static const std::set<std::string> known = {
      "FROM",    "RUN",        "CMD",         "LABEL",       "MAINTAINER", "EXPOSE", "ENV",
      "ADD",     "COPY",       "ENTRYPOINT",  "VOLUME",      "USER",       "WORKDIR", "ARG",
      "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"};
  return known;
}

// Instructions whose arguments may start with --flags.
bool TakesFlags(const std::string& keyword) {
  return keyword == "FROM" || keyword == "COPY" || keyword == "ADD" || keyword == "RUN" ||
         keyword == "HEALTHCHECK";
}

// Instructions with an exec form.
bool TakesJson(const std::string& keyword) {
  return keyword == "RUN" || keyword == "CMD" || keyword == "ENTRYPOINT" || keyword == "SHELL" ||
         keyword == "COPY" || keyword == "ADD" || keyword == "VOLUME";
}

std::string TrimLeft(const std::string& text) {
  size_t start = text.find_first_not_of(" \t");
  return start == std::string::npos ? "" : text.substr(start);
}

std::string TrimRight(const std::string& text) {
  size_t end = text.find_last_not_of(" \t\r");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

Status LineError(int line, const std::string& message) {
  return InvalidArgument("Dockerfile line " + std::to_string(line) + ": " + message);
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// "# escape=`" and friends, before anything else.
size_t ReadDirectives(const std::vector<std::string>& lines, Dockerfile* dockerfile,
                      Status* status) {
  static const std::regex directive(R"(^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$)");
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::smatch match;
    if (!std::regex_match(lines[i], match, directive)) break;
    std::string key = match[1];
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    if (key == "escape") {
      std::string value = match[2];
      if (value != "\\" && value != "`") {
        *status = LineError(static_cast<int>(i + 1),
                            "escape directive: the escape character must be \\ or `, not '" +
                                value + "'");
        return i;
      }
      dockerfile->escape = value[0];
    }
    // syntax= and check= are BuildKit front-end choices: read and ignored.
  }
  return i;
}

bool IsComment(const std::string& line) {
  std::string trimmed = TrimLeft(line);
  return !trimmed.empty() && trimmed[0] == '#';
}

bool LooksLikeHeredoc(const std::string& args) {
  static const std::regex heredoc(R"((^|\s)<<-?(["']?)[A-Za-z_][A-Za-z0-9_]*\2(\s|$))");
  return std::regex_search(args, heredoc);
}

}  // namespace

bool ParseJsonStringArray(const std::string& text, std::vector<std::string>* values) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError() || !document.IsArray()) return false;
  std::vector<std::string> parsed;
  for (const auto& value : document.GetArray()) {
    if (!value.IsString()) return false;
    parsed.emplace_back(value.GetString(), value.GetStringLength());
  }
  *values = std::move(parsed);
  return true;
}

StatusOr<Dockerfile> ParseDockerfile(const std::string& text) {
  if (text.size() > kMaxDockerfileBytes) {
    return InvalidArgument("Dockerfile: " + std::to_string(text.size()) +
                           " bytes, more than the " + std::to_string(kMaxDockerfileBytes) +
                           " accepted");
  }
  Dockerfile dockerfile;
  std::vector<std::string> lines = SplitLines(text);
  Status status;
  size_t i = ReadDirectives(lines, &dockerfile, &status);
  RETURN_IF_ERROR(status);
  const char escape = dockerfile.escape;
  while (i < lines.size()) {
    if (TrimLeft(lines[i]).empty() || IsComment(lines[i])) {
      ++i;
      continue;
    }
    const int first_line = static_cast<int>(i + 1);
    std::string joined;
    bool continued = true;
    while (continued && i < lines.size()) {
      std::string line = lines[i++];
      if (!joined.empty() && (IsComment(line) || TrimLeft(line).empty())) continue;
      std::string trimmed = TrimRight(line);
      continued = !trimmed.empty() && trimmed.back() == escape;
      joined += continued ? trimmed.substr(0, trimmed.size() - 1) : line;
    }
    joined = TrimRight(TrimLeft(joined));
    DockerfileInstruction instruction;
    instruction.line = first_line;
    instruction.original = joined;
    size_t space = joined.find_first_of(" \t");
    instruction.keyword = joined.substr(0, space);
    std::transform(instruction.keyword.begin(), instruction.keyword.end(),
                   instruction.keyword.begin(), ::toupper);
    if (!KnownInstructions().count(instruction.keyword)) {
      return LineError(first_line, "unknown instruction '" + joined.substr(0, space) + "'");
    }
    std::string args = space == std::string::npos ? "" : TrimLeft(joined.substr(space));
    if (TakesFlags(instruction.keyword)) {
      while (args.rfind("--", 0) == 0) {
        size_t end = args.find_first_of(" \t");
        std::string flag = args.substr(2, end == std::string::npos ? std::string::npos : end - 2);
        size_t equals = flag.find('=');
        std::string name = flag.substr(0, equals);
        if (name.empty()) return LineError(first_line, "malformed flag '--" + flag + "'");
        instruction.flags[name] = equals == std::string::npos ? "" : flag.substr(equals + 1);
        args = end == std::string::npos ? "" : TrimLeft(args.substr(end));
      }
    }
    if ((instruction.keyword == "RUN" || instruction.keyword == "COPY" ||
         instruction.keyword == "ADD") &&
        LooksLikeHeredoc(args)) {
      return LineError(first_line, instruction.keyword +
                                       ": heredocs (<<EOF) are not supported; use a shell "
                                       "command or COPY a file from the context");
    }
    if (TakesJson(instruction.keyword) && !args.empty() && args[0] == '[') {
      instruction.exec_form = ParseJsonStringArray(args, &instruction.exec_args);
    }
    instruction.args = args;
    dockerfile.instructions.push_back(std::move(instruction));
  }
  return dockerfile;
}

}  // namespace boxcar
