// The JSON fields of the specs the agent hands to boxcar-shim (LaunchSpec, ExecSpec): strings,
// string arrays, bools, numbers and rlimits. Errors name the spec and the key ("exec spec: argv
// is not an array"); an absent key leaves the output untouched, so defaults live in the structs.
//
// Each spec lists its fields once, in a table of SpecField (key, member, when it is written),
// in the order they are written; WriteSpecFields and ReadSpecFields walk that table.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

using SpecJsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteStringField(SpecJsonWriter& writer, const char* key, const std::string& value);
void WriteUint64Field(SpecJsonWriter& writer, const char* key, uint64_t value);
void WriteBoolField(SpecJsonWriter& writer, const char* key, bool value);
void WriteStringsField(SpecJsonWriter& writer, const char* key,
                       const std::vector<std::string>& values);
void WriteRlimitsField(SpecJsonWriter& writer, const char* key,
                       const std::vector<RlimitSetting>& rlimits);
// Nothing at all when unset.
void WriteOptionalIntField(SpecJsonWriter& writer, const char* key,
                           const std::optional<int>& value);

// ProcessConfinement as keys of the spec itself, each written only when it is not the default.
void WriteConfinementFields(SpecJsonWriter& writer, const ProcessConfinement& confinement);
Status ReadConfinementFields(const rapidjson::Value& object, const char* spec_name,
                             ProcessConfinement* out);

// The spec as a JSON object, or "<spec>: malformed JSON".
Status ParseSpecObject(const std::string& json, const char* spec_name,
                       rapidjson::Document* document);

Status ReadStringField(const rapidjson::Value& object, const char* spec_name, const char* key,
                       std::string* out);
Status ReadBoolField(const rapidjson::Value& object, const char* spec_name, const char* key,
                     bool* out);
Status ReadStringsField(const rapidjson::Value& object, const char* spec_name, const char* key,
                        std::vector<std::string>* out);
// A uint64 that fits the member: "<spec>: <key> is not a valid number" otherwise.
Status ReadUint64Field(const rapidjson::Value& object, const char* spec_name, const char* key,
                       uint64_t* out);
Status ReadUint16Field(const rapidjson::Value& object, const char* spec_name, const char* key,
                       uint16_t* out);
// A uint32; one beyond pid_t's range reads as 0 (no pid), which the spec's checks refuse.
Status ReadPidField(const rapidjson::Value& object, const char* spec_name, const char* key,
                    pid_t* out);
// A signed int when the key is there, else unset.
Status ReadOptionalIntField(const rapidjson::Value& object, const char* spec_name, const char* key,
                            std::optional<int>* out);
// "rlimits": [{"name": "nofile", "soft": 1024, "hard": 4096}, ...]; not an array: none.
Status ReadRlimitsField(const rapidjson::Value& object, const char* spec_name, const char* key,
                        std::vector<RlimitSetting>* out);

// A field with a JSON form of its own (an object, a list of objects), written and read by
// the spec's functions.
template <typename Spec>
struct SpecObjectField {
  void (*write)(SpecJsonWriter& writer, const char* key, const Spec& spec);
  Status (*read)(const rapidjson::Value& object, const char* key, Spec* spec);
};

template <typename Spec>
using SpecMember = std::variant<std::string Spec::*, std::vector<std::string> Spec::*, bool Spec::*,
                                uint64_t Spec::*, uint16_t Spec::*, pid_t Spec::*,
                                std::vector<RlimitSetting> Spec::*, std::optional<int> Spec::*,
                                SpecObjectField<Spec>>;

template <typename Spec>
struct SpecField {
  const char* key;
  SpecMember<Spec> member;
  bool (*written)(const Spec& spec) = nullptr;  // null: always written
};

namespace spec_json_internal {

template <typename T>
void WriteValue(SpecJsonWriter& writer, const char* key, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    WriteStringField(writer, key, value);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    WriteStringsField(writer, key, value);
  } else if constexpr (std::is_same_v<T, bool>) {
    WriteBoolField(writer, key, value);
  } else if constexpr (std::is_same_v<T, std::vector<RlimitSetting>>) {
    WriteRlimitsField(writer, key, value);
  } else if constexpr (std::is_same_v<T, std::optional<int>>) {
    WriteOptionalIntField(writer, key, value);
  } else {  // uint64_t, uint16_t, pid_t
    WriteUint64Field(writer, key, static_cast<uint64_t>(value));
  }
}

template <typename T>
Status ReadValue(const rapidjson::Value& object, const char* spec_name, const char* key, T* out) {
  if constexpr (std::is_same_v<T, std::string>) {
    return ReadStringField(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return ReadStringsField(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    return ReadBoolField(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, std::vector<RlimitSetting>>) {
    return ReadRlimitsField(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, std::optional<int>>) {
    return ReadOptionalIntField(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return ReadUint64Field(object, spec_name, key, out);
  } else if constexpr (std::is_same_v<T, uint16_t>) {
    return ReadUint16Field(object, spec_name, key, out);
  } else {
    static_assert(std::is_same_v<T, pid_t>, "a SpecMember type without a reader");
    return ReadPidField(object, spec_name, key, out);
  }
}

}  // namespace spec_json_internal

// The spec as one JSON object (one line), its fields in the table's order.
template <typename Spec, size_t N>
std::string WriteSpecFields(const Spec& spec, const SpecField<Spec> (&fields)[N]) {
  rapidjson::StringBuffer buffer;
  SpecJsonWriter writer(buffer);
  writer.StartObject();
  for (const SpecField<Spec>& field : fields) {
    if (field.written != nullptr && !field.written(spec)) continue;
    std::visit(
        [&](auto member) {
          if constexpr (std::is_member_object_pointer_v<decltype(member)>) {
            spec_json_internal::WriteValue(writer, field.key, spec.*member);
          } else {
            member.write(writer, field.key, spec);
          }
        },
        field.member);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Reads every field of the table present in the object; the first bad one is the error.
template <typename Spec, size_t N>
Status ReadSpecFields(const rapidjson::Value& object, const char* spec_name,
                      const SpecField<Spec> (&fields)[N], Spec* spec) {
  for (const SpecField<Spec>& field : fields) {
    Status status = std::visit(
        [&](auto member) -> Status {
          if constexpr (std::is_member_object_pointer_v<decltype(member)>) {
            return spec_json_internal::ReadValue(object, spec_name, field.key, &(spec->*member));
          } else {
            return member.read(object, field.key, spec);
          }
        },
        field.member);
    if (!status.ok()) return status;
  }
  return OkStatus();
}

}  // namespace boxcar
