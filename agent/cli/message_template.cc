#include "cli/message_template.h"

#include <google/protobuf/descriptor.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <string_view>

#include "cli/format_template.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr const char* kNoValue = "<no value>";

// A value on a template's path: a whole message (`field` null), a repeated field as a whole
// (`index` -1), one element of a repeated field, or a singular scalar field.
struct Cursor {
  const Message* message = nullptr;
  const FieldDescriptor* field = nullptr;
  int index = -1;
};

std::string Folded(std::string_view name) {
  std::string folded;
  for (char c : name) {
    if (c != '_') folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return folded;
}

const FieldDescriptor* FieldNamed(const Descriptor* type, std::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    if (Folded(type->field(i)->name()) == Folded(name)) return type->field(i);
  }
  return nullptr;
}

std::string FieldList(const Descriptor* type) {
  std::string names;
  for (int i = 0; i < type->field_count(); ++i) names += " ." + type->field(i)->name();
  return names;
}

std::string JsonQuoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

// A scalar (singular, or element `index` of a repeated field) as text.
std::string ScalarText(const Cursor& at) {
  const Message& m = *at.message;
  const auto* r = m.GetReflection();
  const FieldDescriptor* f = at.field;
  const bool element = f->is_repeated();
  const int i = at.index;
  char number[32];
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(element ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(element ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(element ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(element ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      std::snprintf(number, sizeof number, "%g",
                    element ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f));
      return number;
    case FieldDescriptor::CPPTYPE_FLOAT:
      std::snprintf(number, sizeof number, "%g",
                    element ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f));
      return number;
    case FieldDescriptor::CPPTYPE_BOOL:
      return (element ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (element ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_STRING:
      return element ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

// A message field (singular, or an element of a repeated one) becomes the message itself.
Cursor Settled(Cursor at) {
  if (at.field == nullptr || at.field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return at;
  const auto* r = at.message->GetReflection();
  if (!at.field->is_repeated()) return {&r->GetMessage(*at.message, at.field)};
  if (at.index >= 0) return {&r->GetRepeatedMessage(*at.message, at.field, at.index)};
  return at;
}

// A repeated field as a whole (a list or a map), as the message's JSON prints it.
std::string RepeatedJson(const Cursor& at) {
  rapidjson::Document document;
  document.Parse(MessageToJson(*at.message, false).c_str());
  auto member = document.FindMember(at.field->name().c_str());
  if (member == document.MemberEnd()) return "[]";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  member->value.Accept(writer);
  return buffer.GetString();
}

std::string Rendered(const Cursor& at, bool as_json) {
  if (at.field == nullptr) return MessageToJson(*at.message, false);
  if (at.field->is_repeated() && at.index < 0) return RepeatedJson(at);
  std::string text = ScalarText(at);
  const auto type = at.field->cpp_type();
  if (as_json && (type == FieldDescriptor::CPPTYPE_STRING || type == FieldDescriptor::CPPTYPE_ENUM))
    return JsonQuoted(text);
  return text;
}

// Where a step ends: the value it reached and how much of the path it took. A map's key may
// hold dots (labels such as org.openstack.nova.instance-uuid): the longest key the path starts
// with is taken.
struct Stepped {
  Cursor at;
  size_t taken = 0;
};

// One step of `path` (what is left of it, without its leading dot) from `at`: a field, a map
// key or a list index. nullopt: a key or index that is not there ("<no value>").
StatusOr<std::optional<Stepped>> Step(const Cursor& at, const std::string& walked,
                                      std::string_view path) {
  const std::string name(path.substr(0, path.find('.')));
  if (at.field == nullptr) {
    const FieldDescriptor* field = FieldNamed(at.message->GetDescriptor(), name);
    if (field == nullptr) {
      return InvalidArgument("--format: " + (walked.empty() ? std::string("the object") : walked) +
                             " has no field '" + name +
                             "'; it has:" + FieldList(at.message->GetDescriptor()));
    }
    return std::optional<Stepped>({Settled({at.message, field}), name.size()});
  }
  if (!at.field->is_repeated() || at.index >= 0) {
    return InvalidArgument("--format: " + walked + " is a value, it has no field '" + name + "'");
  }
  const auto* r = at.message->GetReflection();
  const int size = r->FieldSize(*at.message, at.field);
  if (at.field->is_map()) {
    const FieldDescriptor* key = at.field->message_type()->map_key();
    const FieldDescriptor* value = at.field->message_type()->map_value();
    std::optional<Stepped> longest;
    for (int i = 0; i < size; ++i) {
      const Message& entry = r->GetRepeatedMessage(*at.message, at.field, i);
      const std::string text = ScalarText({&entry, key});
      const bool starts = path.substr(0, text.size()) == text &&
                          (path.size() == text.size() || path[text.size()] == '.');
      if (starts && (!longest || text.size() > longest->taken))
        longest = Stepped{Settled({&entry, value}), text.size()};
    }
    return longest;
  }
  if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("--format: " + walked + " is a list; index it with a number (" + walked +
                           ".0)");
  }
  const long index = name.size() > 9 ? size : std::stol(name);
  if (index >= size) return std::optional<Stepped>();
  return std::optional<Stepped>(
      {Settled({at.message, at.field, static_cast<int>(index)}), name.size()});
}

StatusOr<std::string> FieldValue(const Message& message, std::string field) {
  bool as_json = false;
  if (field.rfind("json ", 0) == 0) {
    as_json = true;
    field.erase(0, field.find_first_not_of(' ', 4));
  }
  if (field.empty() || field[0] != '.') {
    return InvalidArgument("--format: '" + field +
                           "' is not a field; write .NAME[.NAME...] or json .NAME");
  }
  Cursor at{&message};
  std::string walked;
  for (size_t start = 1; start < field.size();) {
    const std::string_view path = std::string_view(field).substr(start);
    ASSIGN_OR_RETURN(std::optional<Stepped> next, Step(at, walked, path));
    if (!next) return std::string(kNoValue);
    at = next->at;
    walked += "." + std::string(path.substr(0, next->taken));
    start += next->taken + 1;
  }
  return Rendered(at, as_json);
}

}  // namespace

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const Message& message) {
  return ExpandFormatTemplate(format_template,
                              [&](const std::string& field) { return FieldValue(message, field); });
}

}  // namespace boxcar::cli
