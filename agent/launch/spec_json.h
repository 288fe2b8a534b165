// The JSON fields of the specs the agent hands to boxcar-shim (LaunchSpec, ExecSpec): strings,
// string arrays and rlimits. Errors name the spec and the key ("exec spec: argv is not an
// array"); an absent key leaves the output untouched, so defaults live in the structs.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
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
void WriteRlimitsField(SpecJsonWriter& writer, const std::vector<RlimitSetting>& rlimits);

// The spec as a JSON object, or "<spec>: malformed JSON".
Status ParseSpecObject(const std::string& json, const char* spec_name,
                       rapidjson::Document* document);

Status ReadStringField(const rapidjson::Value& object, const char* spec_name, const char* key,
                       std::string* out);
Status ReadBoolField(const rapidjson::Value& object, const char* spec_name, const char* key,
                     bool* out);
Status ReadStringsField(const rapidjson::Value& object, const char* spec_name, const char* key,
                        std::vector<std::string>* out);
// "rlimits": [{"name": "nofile", "soft": 1024, "hard": 4096}, ...]
Status ReadRlimitsField(const rapidjson::Value& object, const char* spec_name,
                        std::vector<RlimitSetting>* out);

}  // namespace boxcar
