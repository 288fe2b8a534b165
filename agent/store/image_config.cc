// The OCI / Docker image config JSON: built for imported rootfs images and commits, and
// parsed (run-time defaults, layer diff ids) for every stored image. One JSON style: RapidJSON.
#include "store/image_config.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

#include "common/sha256.h"

namespace boxcar {

namespace {

void WriteStringArray(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key,
                      const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.empty()) return;
  writer.Key(key);
  writer.StartArray();
  for (const auto& value : values) writer.String(value.c_str());
  writer.EndArray();
}

// Docker's set notation, {"a": {}, "b": {}}, sorted so the config (and the image id) does not
// depend on the order given.
void WriteStringSet(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key,
                    const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.empty()) return;
  std::set<std::string> sorted(values.begin(), values.end());
  writer.Key(key);
  writer.StartObject();
  for (const auto& value : sorted) {
    writer.Key(value.c_str());
    writer.StartObject();
    writer.EndObject();
  }
  writer.EndObject();
}

}  // namespace

std::string BuildOciConfigJson(const v1::ImageConfig& config,
                               const std::vector<std::string>& diff_ids,
                               const std::string& comment) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("architecture");
  writer.String("amd64");
  writer.Key("os");
  writer.String("linux");
  writer.Key("config");
  writer.StartObject();
  WriteStringArray(writer, "Entrypoint", config.entrypoint());
  WriteStringArray(writer, "Cmd", config.cmd());
  WriteStringArray(writer, "Env", config.env());
  if (!config.working_dir().empty()) {
    writer.Key("WorkingDir");
    writer.String(config.working_dir().c_str());
  }
  if (!config.user().empty()) {
    writer.Key("User");
    writer.String(config.user().c_str());
  }
  if (!config.stop_signal().empty()) {
    writer.Key("StopSignal");
    writer.String(config.stop_signal().c_str());
  }
  WriteStringSet(writer, "ExposedPorts", config.exposed_ports());
  WriteStringSet(writer, "Volumes", config.volumes());
  if (config.has_healthcheck()) {
    const v1::HealthConfig& check = config.healthcheck();
    writer.Key("Healthcheck");
    writer.StartObject();
    WriteStringArray(writer, "Test", check.test());
    auto duration = [&](const char* key, int64_t nanoseconds) {
      if (nanoseconds == 0) return;
      writer.Key(key);
      writer.Int64(nanoseconds);
    };
    duration("Interval", check.interval_ns());
    duration("Timeout", check.timeout_ns());
    duration("StartPeriod", check.start_period_ns());
    duration("StartInterval", check.start_interval_ns());
    if (check.retries() != 0) {
      writer.Key("Retries");
      writer.Int(check.retries());
    }
    writer.EndObject();
  }
  if (!config.labels().empty()) {
    // Sorted, so the config (and the image id) does not depend on map order.
    std::map<std::string, std::string> labels(config.labels().begin(), config.labels().end());
    writer.Key("Labels");
    writer.StartObject();
    for (const auto& [key, value] : labels) {
      writer.Key(key.c_str());
      writer.String(value.c_str());
    }
    writer.EndObject();
  }
  writer.EndObject();
  writer.Key("rootfs");
  writer.StartObject();
  writer.Key("type");
  writer.String("layers");
  writer.Key("diff_ids");
  writer.StartArray();
  for (const auto& diff_id : diff_ids) writer.String(diff_id.c_str());
  writer.EndArray();
  writer.EndObject();
  writer.Key("history");
  writer.StartArray();
  writer.StartObject();
  writer.Key("created_by");
  writer.String("boxcar image import (rootfs tarball)");
  if (!comment.empty()) {
    writer.Key("comment");
    writer.String(comment.c_str());
  }
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The run-time defaults and the layer diff ids of an OCI / Docker image config.
Status ParseImageConfig(const std::string& json, v1::ImageConfig* config,
                        std::vector<std::string>* diff_ids) {
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  if (document.HasParseError() || !document.IsObject()) return InvalidArgument("malformed JSON");
  if (!document.HasMember("rootfs") || !document["rootfs"].IsObject() ||
      !document["rootfs"].HasMember("diff_ids") || !document["rootfs"]["diff_ids"].IsArray()) {
    return InvalidArgument("rootfs.diff_ids is missing");
  }
  for (const auto& diff_id : document["rootfs"]["diff_ids"].GetArray()) {
    if (!diff_id.IsString() || !IsSha256Digest(diff_id.GetString())) {
      return InvalidArgument("a diff id is not sha256:<hex>");
    }
    diff_ids->push_back(diff_id.GetString());
  }
  if (!document.HasMember("config") || !document["config"].IsObject()) return OkStatus();
  const auto& runtime = document["config"];
  auto strings = [&](const char* key, google::protobuf::RepeatedPtrField<std::string>* out) {
    if (runtime.HasMember(key) && runtime[key].IsArray()) {
      for (const auto& item : runtime[key].GetArray()) {
        if (item.IsString()) out->Add(item.GetString());
      }
    }
  };
  strings("Entrypoint", config->mutable_entrypoint());
  strings("Cmd", config->mutable_cmd());
  strings("Env", config->mutable_env());
  if (runtime.HasMember("WorkingDir") && runtime["WorkingDir"].IsString())
    config->set_working_dir(runtime["WorkingDir"].GetString());
  if (runtime.HasMember("User") && runtime["User"].IsString())
    config->set_user(runtime["User"].GetString());
  if (runtime.HasMember("StopSignal") && runtime["StopSignal"].IsString())
    config->set_stop_signal(runtime["StopSignal"].GetString());
  if (runtime.HasMember("Labels") && runtime["Labels"].IsObject()) {
    for (const auto& label : runtime["Labels"].GetObject()) {
      if (label.value.IsString())
        (*config->mutable_labels())[label.name.GetString()] = label.value.GetString();
    }
  }
  // {"80/tcp": {}, ...}: the keys are the ports, sorted (JSON objects have no order to keep).
  if (runtime.HasMember("ExposedPorts") && runtime["ExposedPorts"].IsObject()) {
    std::set<std::string> ports;
    for (const auto& port : runtime["ExposedPorts"].GetObject())
      ports.insert(port.name.GetString());
    config->mutable_exposed_ports()->Add(ports.begin(), ports.end());
  }
  // {"Test": [...], "Interval": ns, "Timeout": ns, "StartPeriod": ns, "StartInterval": ns,
  // "Retries": n}; a
  // malformed check is kept as it is and ignored when a container starts.
  if (runtime.HasMember("Healthcheck") && runtime["Healthcheck"].IsObject()) {
    const auto& check = runtime["Healthcheck"];
    v1::HealthConfig* health = config->mutable_healthcheck();
    if (check.HasMember("Test") && check["Test"].IsArray()) {
      for (const auto& word : check["Test"].GetArray()) {
        if (word.IsString()) health->add_test(word.GetString());
      }
    }
    auto duration = [&](const char* key) -> int64_t {
      return check.HasMember(key) && check[key].IsInt64() ? check[key].GetInt64() : 0;
    };
    health->set_interval_ns(duration("Interval"));
    health->set_timeout_ns(duration("Timeout"));
    health->set_start_period_ns(duration("StartPeriod"));
    health->set_start_interval_ns(duration("StartInterval"));
    if (check.HasMember("Retries") && check["Retries"].IsInt()) {
      health->set_retries(check["Retries"].GetInt());
    }
  }
  // {"/data": {}, ...}: the image's VOLUME paths, sorted likewise.
  if (runtime.HasMember("Volumes") && runtime["Volumes"].IsObject()) {
    std::set<std::string> volumes;
    for (const auto& volume : runtime["Volumes"].GetObject())
      volumes.insert(volume.name.GetString());
    config->mutable_volumes()->Add(volumes.begin(), volumes.end());
  }
  return OkStatus();
}

}  // namespace boxcar
