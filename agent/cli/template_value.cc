#include "cli/template_value.h"

#include <cstdio>
#include <cstdlib>

#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

using google::protobuf::FieldDescriptor;

constexpr const char* kNoValue = "<no value>";

// Go's %v of a float64: the shortest text that reads back as the same number.
std::string RealText(double real) {
  char text[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, real);
    if (std::strtod(text, nullptr) == real) break;
  }
  return text;
}

}  // namespace

Datum TextDatum(std::string text) {
  Datum datum;
  datum.kind = Datum::Kind::kText;
  datum.text = std::move(text);
  return datum;
}

Datum IntDatum(int64_t integer) {
  Datum datum;
  datum.kind = Datum::Kind::kInt;
  datum.integer = integer;
  return datum;
}

Datum BoolDatum(bool boolean) {
  Datum datum;
  datum.kind = Datum::Kind::kBool;
  datum.boolean = boolean;
  return datum;
}

Datum TemplateValues::Whole() const {
  Datum whole;
  whole.kind = Datum::Kind::kWhole;
  whole.message = {&message_};
  return whole;
}

std::string TemplateValues::Printed(const Datum& value, bool json) const {
  switch (value.kind) {
    case Datum::Kind::kWhole:
      return InspectObjectJson(message_, view_, false);
    case Datum::Kind::kMessage:
      return MessageCursorText(value.message, json);
    case Datum::Kind::kView:
      return json ? ViewJson(*value.view.value) : ViewGoText(*view_, value.view);
    case Datum::Kind::kMissing:
      return json ? "null" : kNoValue;
    case Datum::Kind::kNil:
      return json ? "null" : "<nil>";
    case Datum::Kind::kText:
      return json ? JsonQuoted(value.text) : value.text;
    case Datum::Kind::kInt:
      return std::to_string(value.integer);
    case Datum::Kind::kReal:
      return RealText(value.real);
    case Datum::Kind::kBool:
      return value.boolean ? "true" : "false";
    case Datum::Kind::kList: {
      std::string text;
      for (const Datum& item : value.items) {
        text += (text.empty() ? "" : json ? "," : " ") + Printed(item, json);
      }
      return json ? "[" + text + "]" : "[" + text + "]";
    }
  }
  return "";
}

StatusOr<Datum> TemplateValues::Walk(Datum at, const std::string& path) const {
  for (size_t start = 1; start < path.size();) {
    const std::string_view rest = std::string_view(path).substr(start);
    size_t taken = 0;
    if (at.kind == Datum::Kind::kWhole) {
      const std::string name(rest.substr(0, rest.find('.')));
      if (view_ != nullptr && view_->json.HasMember(name.c_str())) {
        at.kind = Datum::Kind::kView;
        at.view = {&view_->json[name.c_str()], "." + name};
        taken = name.size();
      } else {
        auto stepped = StepInMessage(at.message, at.walked, rest);
        if (!stepped.ok() && view_ != nullptr) {
          std::string docker_keys;
          for (const auto& member : view_->json.GetObject()) {
            docker_keys += std::string(" .") + member.name.GetString();
          }
          return InvalidArgument(std::string(stepped.status().message()) +
                                 "; and Docker's:" + docker_keys);
        }
        RETURN_IF_ERROR(stepped.status());
        at.kind = Datum::Kind::kMessage;
        at.message = (*stepped)->at;
        taken = (*stepped)->taken;
      }
    } else if (at.kind == Datum::Kind::kMessage) {
      ASSIGN_OR_RETURN(auto stepped, StepInMessage(at.message, at.walked, rest));
      if (!stepped) return Datum{};
      at.message = stepped->at;
      taken = stepped->taken;
    } else if (at.kind == Datum::Kind::kView) {
      ASSIGN_OR_RETURN(auto stepped, StepInView(*view_, at.view, at.walked, rest));
      if (!stepped) return Datum{};
      at.view = stepped->at;
      taken = stepped->taken;
    } else if (at.kind == Datum::Kind::kMissing) {
      return at;
    } else {
      return InvalidArgument("--format: can't evaluate field " +
                             std::string(rest.substr(0, rest.find('.'))) + " in type " +
                             GoType(at) + " ('" + Text(at) + "' is a value)");
    }
    at.walked += "." + std::string(rest.substr(0, taken));
    start += taken + 1;
  }
  return at;
}

std::optional<std::vector<std::pair<Datum, Datum>>> TemplateValues::Elements(
    const Datum& value) const {
  std::vector<std::pair<Datum, Datum>> elements;
  auto element_of = [&](const std::string& key, bool is_map) {
    Datum element = value;
    element.walked = value.walked + "." + key;
    elements.emplace_back(is_map ? TextDatum(key) : IntDatum(std::stoll(key)), element);
    return &elements.back().second;
  };
  if (value.kind == Datum::Kind::kMissing || value.kind == Datum::Kind::kNil) return elements;
  if (value.kind == Datum::Kind::kList) {
    for (size_t i = 0; i < value.items.size(); ++i) {
      elements.emplace_back(IntDatum(static_cast<int64_t>(i)), value.items[i]);
    }
    return elements;
  }
  if (value.kind == Datum::Kind::kMessage && value.message.IsRepeated()) {
    const bool is_map = value.message.field->is_map();
    for (const auto& [key, cursor] : MessageElements(value.message)) {
      element_of(key, is_map)->message = cursor;
    }
    return elements;
  }
  if (value.kind == Datum::Kind::kView) {
    if (auto view_elements = ViewElements(*view_, value.view)) {
      const bool is_map = value.view.value->IsObject();
      for (const auto& [key, cursor] : *view_elements) element_of(key, is_map)->view = cursor;
      return elements;
    }
  }
  return std::nullopt;
}

bool TemplateValues::IsMap(const Datum& value) const {
  return (value.kind == Datum::Kind::kMessage && value.message.IsRepeated() &&
          value.message.field->is_map()) ||
         (value.kind == Datum::Kind::kView && value.view.value->IsObject() &&
          IsViewMap(*view_, value.view));
}

bool TemplateValues::Truth(const Datum& value) const {
  switch (value.kind) {
    case Datum::Kind::kWhole:
      return true;
    case Datum::Kind::kMissing:
    case Datum::Kind::kNil:
      return false;
    case Datum::Kind::kText:
      return !value.text.empty();
    case Datum::Kind::kInt:
      return value.integer != 0;
    case Datum::Kind::kReal:
      return value.real != 0;
    case Datum::Kind::kBool:
      return value.boolean;
    case Datum::Kind::kList:
      return !value.items.empty();
    case Datum::Kind::kView: {
      const rapidjson::Value& json = *value.view.value;
      if (json.IsNull()) return false;
      if (json.IsBool()) return json.GetBool();
      if (json.IsNumber()) return json.GetDouble() != 0;
      if (json.IsString()) return json.GetStringLength() != 0;
      if (json.IsArray()) return !json.Empty();
      return !IsViewMap(*view_, value.view) || json.MemberCount() != 0;  // a struct is true
    }
    case Datum::Kind::kMessage: {
      const MessageCursor& at = value.message;
      if (at.IsWhole()) return true;
      if (at.IsRepeated())
        return at.message->GetReflection()->FieldSize(*at.message, at.field) != 0;
      // A message field is Go's pointer: true when set.
      if (at.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !at.field->is_repeated()) {
        return at.message->GetReflection()->HasField(*at.message, at.field);
      }
      // An enum's zero value (its first, *_UNSPECIFIED) is false, as Go's zero int.
      if (at.field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        const auto* r = at.message->GetReflection();
        return (at.field->is_repeated() ? r->GetRepeatedEnumValue(*at.message, at.field, at.index)
                                        : r->GetEnumValue(*at.message, at.field)) != 0;
      }
      const BasicValue basic = Basic(value);
      return basic.boolean || basic.integer != 0 || basic.real != 0 || !basic.text.empty();
    }
  }
  return false;
}

BasicValue TemplateValues::Basic(const Datum& value) const {
  BasicValue basic;
  switch (value.kind) {
    case Datum::Kind::kMissing:
      basic.kind = BasicValue::Kind::kMissing;
      break;
    case Datum::Kind::kNil:
      basic.kind = BasicValue::Kind::kNil;
      break;
    case Datum::Kind::kText:
      basic.kind = BasicValue::Kind::kString;
      basic.text = value.text;
      break;
    case Datum::Kind::kInt:
      basic.kind = BasicValue::Kind::kInt;
      basic.integer = value.integer;
      break;
    case Datum::Kind::kReal:
      basic.kind = BasicValue::Kind::kReal;
      basic.real = value.real;
      break;
    case Datum::Kind::kBool:
      basic.kind = BasicValue::Kind::kBool;
      basic.boolean = value.boolean;
      break;
    case Datum::Kind::kView: {
      const rapidjson::Value& json = *value.view.value;
      if (json.IsNull()) {
        basic.kind = BasicValue::Kind::kNil;
      } else if (json.IsString()) {
        basic.kind = BasicValue::Kind::kString;
        basic.text.assign(json.GetString(), json.GetStringLength());
      } else if (json.IsBool()) {
        basic.kind = BasicValue::Kind::kBool;
        basic.boolean = json.GetBool();
      } else if (json.IsInt64()) {
        basic.kind = BasicValue::Kind::kInt;
        basic.integer = json.GetInt64();
      } else if (json.IsNumber()) {
        basic.kind = BasicValue::Kind::kReal;
        basic.real = json.GetDouble();
      }
      break;
    }
    case Datum::Kind::kMessage: {
      const MessageCursor& at = value.message;
      if (at.IsWhole() || at.IsRepeated() ||
          at.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
        break;
      const std::string text = MessageCursorText(at, false);
      switch (at.field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
        case FieldDescriptor::CPPTYPE_INT64:
        case FieldDescriptor::CPPTYPE_UINT32:
        case FieldDescriptor::CPPTYPE_UINT64:
          basic.kind = BasicValue::Kind::kInt;
          basic.integer = std::strtoll(text.c_str(), nullptr, 10);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
        case FieldDescriptor::CPPTYPE_DOUBLE:
          basic.kind = BasicValue::Kind::kReal;
          basic.real = std::strtod(text.c_str(), nullptr);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          basic.kind = BasicValue::Kind::kBool;
          basic.boolean = text == "true";
          break;
        default:  // strings, and enums by name as they print
          basic.kind = BasicValue::Kind::kString;
          basic.text = text;
      }
      break;
    }
    default:
      break;
  }
  return basic;
}

std::string TemplateValues::GoType(const Datum& value) const {
  switch (Basic(value).kind) {
    case BasicValue::Kind::kString:
      return "string";
    case BasicValue::Kind::kInt:
      return "int";
    case BasicValue::Kind::kReal:
      return "float64";
    case BasicValue::Kind::kBool:
      return "bool";
    case BasicValue::Kind::kNil:
    case BasicValue::Kind::kMissing:
      return "<nil>";
    case BasicValue::Kind::kNone:
      break;
  }
  if (value.kind == Datum::Kind::kList) return "[]string";
  if (IsMap(value)) return "map";
  if (Elements(value).has_value()) return "slice";
  return "struct";
}

}  // namespace boxcar::cli
