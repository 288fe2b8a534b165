#include "launch/spec_json.h"

#include <limits>

namespace boxcar {

namespace {

// A member that is absent keeps *out; one of another type, or too large for T, is an error.
template <typename T>
Status ReadUnsignedField(const rapidjson::Value& object, const char* spec_name, const char* key,
                         T* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsUint64() || it->value.GetUint64() > std::numeric_limits<T>::max()) {
    return InvalidArgument(std::string(spec_name) + ": " + key + " is not a valid number");
  }
  *out = static_cast<T>(it->value.GetUint64());
  return OkStatus();
}

}  // namespace

void WriteStringField(SpecJsonWriter& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteUint64Field(SpecJsonWriter& writer, const char* key, uint64_t value) {
  writer.Key(key);
  writer.Uint64(value);
}

void WriteBoolField(SpecJsonWriter& writer, const char* key, bool value) {
  writer.Key(key);
  writer.Bool(value);
}

void WriteStringsField(SpecJsonWriter& writer, const char* key,
                       const std::vector<std::string>& values) {
  writer.Key(key);
  writer.StartArray();
  for (const auto& value : values) {
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndArray();
}

void WriteRlimitsField(SpecJsonWriter& writer, const char* key,
                       const std::vector<RlimitSetting>& rlimits) {
  writer.Key(key);
  writer.StartArray();
  for (const auto& rlimit : rlimits) {
    writer.StartObject();
    WriteStringField(writer, "name", rlimit.name);
    WriteUint64Field(writer, "soft", rlimit.soft);
    WriteUint64Field(writer, "hard", rlimit.hard);
    writer.EndObject();
  }
  writer.EndArray();
}

Status ParseSpecObject(const std::string& json, const char* spec_name,
                       rapidjson::Document* document) {
  document->Parse(json.c_str(), json.size());
  if (document->HasParseError() || !document->IsObject()) {
    return InvalidArgument(std::string(spec_name) + ": malformed JSON");
  }
  return OkStatus();
}

Status ReadStringField(const rapidjson::Value& object, const char* spec_name, const char* key,
                       std::string* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsString())
    return InvalidArgument(std::string(spec_name) + ": " + key + " is not a string");
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return OkStatus();
}

Status ReadBoolField(const rapidjson::Value& object, const char* spec_name, const char* key,
                     bool* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsBool())
    return InvalidArgument(std::string(spec_name) + ": " + key + " is not a bool");
  *out = it->value.GetBool();
  return OkStatus();
}

void WriteConfinementFields(SpecJsonWriter& writer, const ProcessConfinement& confinement) {
  if (confinement.no_new_privileges) WriteBoolField(writer, "no_new_privileges", true);
  if (confinement.seccomp_unconfined) WriteBoolField(writer, "seccomp_unconfined", true);
  if (!confinement.seccomp_profile_json.empty())
    WriteStringField(writer, "seccomp_profile", confinement.seccomp_profile_json);
}

Status ReadConfinementFields(const rapidjson::Value& object, const char* spec_name,
                             ProcessConfinement* out) {
  RETURN_IF_ERROR(ReadBoolField(object, spec_name, "no_new_privileges", &out->no_new_privileges));
  RETURN_IF_ERROR(ReadBoolField(object, spec_name, "seccomp_unconfined", &out->seccomp_unconfined));
  return ReadStringField(object, spec_name, "seccomp_profile", &out->seccomp_profile_json);
}

Status ReadStringsField(const rapidjson::Value& object, const char* spec_name, const char* key,
                        std::vector<std::string>* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsArray())
    return InvalidArgument(std::string(spec_name) + ": " + key + " is not an array");
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString())
      return InvalidArgument(std::string(spec_name) + ": " + key + " holds a non-string");
    out->emplace_back(item.GetString(), item.GetStringLength());
  }
  return OkStatus();
}

Status ReadUint64Field(const rapidjson::Value& object, const char* spec_name, const char* key,
                       uint64_t* out) {
  return ReadUnsignedField(object, spec_name, key, out);
}

Status ReadUint16Field(const rapidjson::Value& object, const char* spec_name, const char* key,
                       uint16_t* out) {
  return ReadUnsignedField(object, spec_name, key, out);
}

Status ReadPidField(const rapidjson::Value& object, const char* spec_name, const char* key,
                    pid_t* out) {
  if (!object.HasMember(key)) return OkStatus();
  uint32_t pid = 0;
  RETURN_IF_ERROR(ReadUnsignedField(object, spec_name, key, &pid));
  *out =
      pid > static_cast<uint32_t>(std::numeric_limits<pid_t>::max()) ? 0 : static_cast<pid_t>(pid);
  return OkStatus();
}

void WriteOptionalIntField(SpecJsonWriter& writer, const char* key,
                           const std::optional<int>& value) {
  if (!value) return;
  writer.Key(key);
  writer.Int(*value);
}

Status ReadOptionalIntField(const rapidjson::Value& object, const char* spec_name, const char* key,
                            std::optional<int>* out) {
  if (!object.HasMember(key)) return OkStatus();
  if (!object[key].IsInt()) {
    return InvalidArgument(std::string(spec_name) + ": " + key + " is not a valid number");
  }
  *out = object[key].GetInt();
  return OkStatus();
}

Status ReadRlimitsField(const rapidjson::Value& object, const char* spec_name, const char* key,
                        std::vector<RlimitSetting>* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsArray()) return OkStatus();
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString() ||
        !item.HasMember("soft") || !item["soft"].IsUint64() || !item.HasMember("hard") ||
        !item["hard"].IsUint64()) {
      return InvalidArgument(std::string(spec_name) + ": malformed rlimit");
    }
    out->push_back({item["name"].GetString(), item["soft"].GetUint64(), item["hard"].GetUint64()});
  }
  return OkStatus();
}

}  // namespace boxcar
