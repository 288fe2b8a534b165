#include "cli/docker_view_cursor.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

namespace boxcar::cli {

namespace {

std::string KeysOf(const rapidjson::Value& object) {
  std::string keys;
  for (const auto& member : object.GetObject()) keys += std::string(" .") + member.name.GetString();
  return keys;
}

std::string NumberText(const rapidjson::Value& number) {
  if (number.IsInt64()) return std::to_string(number.GetInt64());
  if (number.IsUint64()) return std::to_string(number.GetUint64());
  char text[32];
  std::snprintf(text, sizeof text, "%g", number.GetDouble());
  return text;
}

}  // namespace

bool IsViewMap(const DockerView& view, const ViewCursor& at) {
  return view.map_paths.count(at.shape) != 0;
}

StatusOr<std::optional<ViewStep>> StepInView(const DockerView& view, const ViewCursor& at,
                                             const std::string& walked, std::string_view path) {
  const std::string name(path.substr(0, path.find('.')));
  const rapidjson::Value& value = *at.value;
  if (value.IsObject() && IsViewMap(view, at)) {
    std::optional<ViewStep> longest;
    for (const auto& member : value.GetObject()) {
      const std::string_view key(member.name.GetString(), member.name.GetStringLength());
      const bool starts = path.substr(0, key.size()) == key &&
                          (path.size() == key.size() || path[key.size()] == '.');
      if (starts && (!longest || key.size() > longest->taken))
        longest = ViewStep{{&member.value, at.shape + ".*"}, key.size()};
    }
    return longest;
  }
  if (value.IsObject()) {
    auto member = value.FindMember(name.c_str());
    if (member == value.MemberEnd()) {
      return InvalidArgument("--format: " + walked + " has no field '" + name +
                             "'; it has:" + KeysOf(value));
    }
    return std::optional<ViewStep>({{&member->value, at.shape + "." + name}, name.size()});
  }
  if (value.IsArray()) {
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("--format: " + walked + " is a list; index it with a number (" +
                             walked + ".0) or range over it ({{range " + walked + "}})");
    }
    const size_t index = name.size() > 9 ? value.Size() : std::stoul(name);
    if (index >= value.Size()) return std::optional<ViewStep>();
    return std::optional<ViewStep>(
        {{&value[static_cast<rapidjson::SizeType>(index)], at.shape + ".*"}, name.size()});
  }
  if (value.IsNull()) {
    return InvalidArgument("--format: " + walked + " is null, it has no field '" + name + "'");
  }
  return InvalidArgument("--format: " + walked + " is a value, it has no field '" + name + "'");
}

std::string ViewGoText(const DockerView& view, const ViewCursor& at) {
  const rapidjson::Value& value = *at.value;
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsNumber()) return NumberText(value);
  if (value.IsNull()) {
    if (view.list_paths.count(at.shape)) return "[]";
    if (view.map_paths.count(at.shape)) return "map[]";
    return "<nil>";
  }
  // Go's separators: one space between elements, even around empty ones ("[ b]").
  std::string text;
  bool first = true;
  auto append = [&](const std::string& shown) {
    text += (first ? "" : " ") + shown;
    first = false;
  };
  if (value.IsArray()) {
    for (const auto& element : value.GetArray())
      append(ViewGoText(view, {&element, at.shape + ".*"}));
    return "[" + text + "]";
  }
  if (IsViewMap(view, at)) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& member : value.GetObject()) {
      entries.emplace_back(member.name.GetString(),
                           ViewGoText(view, {&member.value, at.shape + ".*"}));
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& [key, shown] : entries) append(key + ":" + shown);
    return "map[" + text + "]";
  }
  for (const auto& member : value.GetObject()) {
    append(ViewGoText(view, {&member.value, at.shape + "." + member.name.GetString()}));
  }
  return "{" + text + "}";
}

std::string ViewJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  std::string json;
  // Go's encoding/json writes these three as escapes (they only occur inside strings here).
  for (const char* c = buffer.GetString(); *c != '\0'; ++c) {
    switch (*c) {
      case '<':
        json += "\\u003c";
        break;
      case '>':
        json += "\\u003e";
        break;
      case '&':
        json += "\\u0026";
        break;
      default:
        json += *c;
    }
  }
  return json;
}

std::optional<std::vector<std::pair<std::string, ViewCursor>>> ViewElements(const DockerView& view,
                                                                            const ViewCursor& at) {
  const rapidjson::Value& value = *at.value;
  std::vector<std::pair<std::string, ViewCursor>> elements;
  if (value.IsNull()) return elements;
  if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      elements.emplace_back(std::to_string(i), ViewCursor{&value[i], at.shape + ".*"});
    }
    return elements;
  }
  if (!value.IsObject() || !IsViewMap(view, at)) return std::nullopt;
  for (const auto& member : value.GetObject()) {
    elements.emplace_back(member.name.GetString(), ViewCursor{&member.value, at.shape + ".*"});
  }
  std::sort(elements.begin(), elements.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return elements;
}

}  // namespace boxcar::cli
