#include "build/build_image_config.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include <cstdio>
#include <ctime>

#include "common/unix_time.h"

namespace boxcar {

BuildImageConfig::BuildImageConfig() {
  static const char kScratch[] =
      R"({"architecture":"amd64","os":"linux","config":{},)"
      R"("rootfs":{"type":"layers","diff_ids":[]},"history":[]})";
  document_.Parse(kScratch);
}

StatusOr<BuildImageConfig> BuildImageConfig::FromJson(const std::string& json) {
  BuildImageConfig config;
  config.document_.Parse(json.c_str(), json.size());
  if (config.document_.HasParseError() || !config.document_.IsObject()) {
    return DataLoss("build: an image config is not a JSON object");
  }
  rapidjson::Value& rootfs = config.Member(config.document_, "rootfs", rapidjson::kObjectType);
  config.Member(rootfs, "diff_ids", rapidjson::kArrayType);
  if (!rootfs.HasMember("type")) {
    rootfs.AddMember("type", "layers", config.document_.GetAllocator());
  }
  config.Member(config.document_, "history", rapidjson::kArrayType);
  return config;
}

std::string BuildImageConfig::ToJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  document_.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Value& BuildImageConfig::Member(rapidjson::Value& object, const char* key,
                                           rapidjson::Type type) {
  auto& allocator = document_.GetAllocator();
  auto found = object.FindMember(key);
  if (found == object.MemberEnd()) {
    object.AddMember(rapidjson::Value(key, allocator), rapidjson::Value(type), allocator);
    return object[key];
  }
  if (found->value.GetType() != type) found->value = rapidjson::Value(type);
  return found->value;
}

rapidjson::Value& BuildImageConfig::Runtime() {
  return Member(document_, "config", rapidjson::kObjectType);
}

std::string BuildImageConfig::GetString(const char* key) const {
  auto config = document_.FindMember("config");
  if (config == document_.MemberEnd() || !config->value.IsObject()) return "";
  auto found = config->value.FindMember(key);
  if (found == config->value.MemberEnd() || !found->value.IsString()) return "";
  return found->value.GetString();
}

std::vector<std::string> BuildImageConfig::GetStringArray(const char* key) const {
  std::vector<std::string> values;
  auto config = document_.FindMember("config");
  if (config == document_.MemberEnd() || !config->value.IsObject()) return values;
  auto found = config->value.FindMember(key);
  if (found == config->value.MemberEnd() || !found->value.IsArray()) return values;
  for (const auto& value : found->value.GetArray()) {
    if (value.IsString()) values.emplace_back(value.GetString(), value.GetStringLength());
  }
  return values;
}

void BuildImageConfig::SetString(const char* key, const std::string& value) {
  auto& allocator = document_.GetAllocator();
  Member(Runtime(), key, rapidjson::kStringType)
      .SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), allocator);
}

void BuildImageConfig::SetStringArray(const char* key, const std::vector<std::string>& values) {
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& array = Member(Runtime(), key, rapidjson::kArrayType);
  array.Clear();
  for (const auto& value : values) {
    array.PushBack(rapidjson::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()),
                                    allocator),
                   allocator);
  }
}

void BuildImageConfig::AddToSet(const char* key, const std::string& name) {
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& set = Member(Runtime(), key, rapidjson::kObjectType);
  if (!set.HasMember(name.c_str())) {
    set.AddMember(rapidjson::Value(name.c_str(), allocator),
                  rapidjson::Value(rapidjson::kObjectType), allocator);
  }
}

void BuildImageConfig::SetLabel(const std::string& name, const std::string& value) {
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& labels = Member(Runtime(), "Labels", rapidjson::kObjectType);
  rapidjson::Value text(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), allocator);
  auto found = labels.FindMember(name.c_str());
  if (found != labels.MemberEnd()) {
    found->value = text;
  } else {
    labels.AddMember(rapidjson::Value(name.c_str(), allocator), text, allocator);
  }
}

void BuildImageConfig::SetEnv(const std::string& name, const std::string& value) {
  // In place: a Dockerfile may hold thousands of ENV lines.
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& env = Member(Runtime(), "Env", rapidjson::kArrayType);
  const std::string entry = name + "=" + value;
  rapidjson::Value text(entry.c_str(), static_cast<rapidjson::SizeType>(entry.size()), allocator);
  for (auto& existing : env.GetArray()) {
    if (!existing.IsString()) continue;
    std::string_view current(existing.GetString(), existing.GetStringLength());
    if (current.size() > name.size() && current[name.size()] == '=' &&
        current.compare(0, name.size(), name) == 0) {
      existing = text;
      return;
    }
  }
  env.PushBack(text, allocator);
}

void BuildImageConfig::AddOnBuild(const std::string& instruction) {
  std::vector<std::string> triggers = GetStringArray("OnBuild");
  triggers.push_back(instruction);
  SetStringArray("OnBuild", triggers);
}

void BuildImageConfig::SetHealthcheck(const std::vector<std::string>& test, int64_t interval_ns,
                                      int64_t timeout_ns, int64_t start_period_ns,
                                      int64_t start_interval_ns, int retries) {
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& check = Member(Runtime(), "Healthcheck", rapidjson::kObjectType);
  check.SetObject();
  rapidjson::Value array(rapidjson::kArrayType);
  for (const auto& word : test) array.PushBack(rapidjson::Value(word.c_str(), allocator), allocator);
  check.AddMember("Test", array, allocator);
  if (interval_ns) check.AddMember("Interval", interval_ns, allocator);
  if (timeout_ns) check.AddMember("Timeout", timeout_ns, allocator);
  if (start_period_ns) check.AddMember("StartPeriod", start_period_ns, allocator);
  if (start_interval_ns) check.AddMember("StartInterval", start_interval_ns, allocator);
  if (retries) check.AddMember("Retries", retries, allocator);
}

void BuildImageConfig::SetAuthor(const std::string& author) {
  Member(document_, "author", rapidjson::kStringType)
      .SetString(author.c_str(), static_cast<rapidjson::SizeType>(author.size()),
                 document_.GetAllocator());
}

void BuildImageConfig::AddLayer(const std::string& diff_id) {
  auto& allocator = document_.GetAllocator();
  rapidjson::Value& rootfs = Member(document_, "rootfs", rapidjson::kObjectType);
  Member(rootfs, "diff_ids", rapidjson::kArrayType)
      .PushBack(rapidjson::Value(diff_id.c_str(), allocator), allocator);
}

void BuildImageConfig::AddHistory(const std::string& created_by, bool empty_layer) {
  auto& allocator = document_.GetAllocator();
  const std::string now = Rfc3339NowUtc();
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("created", rapidjson::Value(now.c_str(), allocator), allocator);
  entry.AddMember("created_by", rapidjson::Value(created_by.c_str(), allocator), allocator);
  if (empty_layer) entry.AddMember("empty_layer", true, allocator);
  Member(document_, "history", rapidjson::kArrayType).PushBack(entry, allocator);
  Member(document_, "created", rapidjson::kStringType)
      .SetString(now.c_str(), static_cast<rapidjson::SizeType>(now.size()), allocator);
}

std::vector<std::string> BuildImageConfig::DiffIds() const {
  std::vector<std::string> ids;
  auto rootfs = document_.FindMember("rootfs");
  if (rootfs == document_.MemberEnd() || !rootfs->value.IsObject()) return ids;
  auto diff_ids = rootfs->value.FindMember("diff_ids");
  if (diff_ids == rootfs->value.MemberEnd() || !diff_ids->value.IsArray()) return ids;
  for (const auto& id : diff_ids->value.GetArray()) {
    if (id.IsString()) ids.emplace_back(id.GetString());
  }
  return ids;
}

}  // namespace boxcar
