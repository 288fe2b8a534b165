#include "cli/message_cursor.h"

#include <google/protobuf/descriptor.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

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

// A scalar (singular, or element `index` of a repeated field) as text.
std::string ScalarText(const MessageCursor& at) {
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
MessageCursor Settled(MessageCursor at) {
  if (at.field == nullptr || at.field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return at;
  const auto* r = at.message->GetReflection();
  if (!at.field->is_repeated()) return {&r->GetMessage(*at.message, at.field)};
  if (at.index >= 0) return {&r->GetRepeatedMessage(*at.message, at.field, at.index)};
  return at;
}

// A repeated field as a whole (a list or a map), as the message's JSON prints it.
std::string RepeatedJson(const MessageCursor& at) {
  rapidjson::Document document;
  document.Parse(MessageToJson(*at.message, false).c_str());
  auto member = document.FindMember(at.field->name().c_str());
  if (member == document.MemberEnd()) return "[]";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  member->value.Accept(writer);
  return buffer.GetString();
}

}  // namespace

std::string MessageFieldList(const Descriptor* type) {
  std::string names;
  for (int i = 0; i < type->field_count(); ++i) names += " ." + type->field(i)->name();
  return names;
}

std::string MessageCursorText(const MessageCursor& at, bool as_json) {
  if (at.field == nullptr) return MessageToJson(*at.message, false);
  if (at.IsRepeated()) return RepeatedJson(at);
  std::string text = ScalarText(at);
  const auto type = at.field->cpp_type();
  if (as_json && (type == FieldDescriptor::CPPTYPE_STRING || type == FieldDescriptor::CPPTYPE_ENUM))
    return JsonQuoted(text);
  return text;
}

std::vector<std::pair<std::string, MessageCursor>> MessageElements(const MessageCursor& at) {
  std::vector<std::pair<std::string, MessageCursor>> elements;
  const auto* r = at.message->GetReflection();
  const int size = r->FieldSize(*at.message, at.field);
  for (int i = 0; i < size; ++i) {
    if (!at.field->is_map()) {
      elements.emplace_back(std::to_string(i), Settled({at.message, at.field, i}));
      continue;
    }
    const Message& entry = r->GetRepeatedMessage(*at.message, at.field, i);
    elements.emplace_back(ScalarText({&entry, at.field->message_type()->map_key()}),
                          Settled({&entry, at.field->message_type()->map_value()}));
  }
  if (at.field->is_map()) {
    std::sort(elements.begin(), elements.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return elements;
}

StatusOr<std::optional<MessageStep>> StepInMessage(const MessageCursor& at,
                                                   const std::string& walked,
                                                   std::string_view path) {
  const std::string name(path.substr(0, path.find('.')));
  if (at.field == nullptr) {
    const FieldDescriptor* field = FieldNamed(at.message->GetDescriptor(), name);
    if (field == nullptr) {
      return InvalidArgument("--format: " + (walked.empty() ? std::string("the object") : walked) +
                             " has no field '" + name +
                             "'; it has:" + MessageFieldList(at.message->GetDescriptor()));
    }
    return std::optional<MessageStep>({Settled({at.message, field}), name.size()});
  }
  if (!at.IsRepeated()) {
    return InvalidArgument("--format: " + walked + " is a value, it has no field '" + name + "'");
  }
  if (at.field->is_map()) {
    std::optional<MessageStep> longest;
    for (auto& [key, value] : MessageElements(at)) {
      const bool starts = path.substr(0, key.size()) == key &&
                          (path.size() == key.size() || path[key.size()] == '.');
      if (starts && (!longest || key.size() > longest->taken))
        longest = MessageStep{value, key.size()};
    }
    return longest;
  }
  if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("--format: " + walked + " is a list; index it with a number (" + walked +
                           ".0)");
  }
  const int size = at.message->GetReflection()->FieldSize(*at.message, at.field);
  const long index = name.size() > 9 ? size : std::stol(name);
  if (index >= size) return std::optional<MessageStep>();
  return std::optional<MessageStep>(
      {Settled({at.message, at.field, static_cast<int>(index)}), name.size()});
}

}  // namespace boxcar::cli
