#include "launch/launch_spec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/resource.h>

namespace boxcar {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteStrings(JsonWriter& writer, const char* key, const std::vector<std::string>& values) {
  writer.Key(key);
  writer.StartArray();
  for (const auto& value : values) {
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndArray();
}

Status ReadString(const rapidjson::Value& object, const char* key, std::string* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsString())
    return InvalidArgument(std::string("launch spec: ") + key + " is not a string");
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return OkStatus();
}

Status ReadStrings(const rapidjson::Value& object, const char* key, std::vector<std::string>* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsArray())
    return InvalidArgument(std::string("launch spec: ") + key + " is not an array");
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString())
      return InvalidArgument(std::string("launch spec: ") + key + " holds a non-string");
    out->emplace_back(item.GetString(), item.GetStringLength());
  }
  return OkStatus();
}

}  // namespace

std::string LaunchSpecToJson(const LaunchSpec& spec) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteString(writer, "container_id", spec.container_id);
  WriteString(writer, "rootfs_dir", spec.rootfs_dir);
  WriteStrings(writer, "argv", spec.argv);
  WriteStrings(writer, "env", spec.env);
  WriteString(writer, "working_dir", spec.working_dir);
  WriteString(writer, "hostname", spec.hostname);
  WriteString(writer, "user", spec.user);
  WriteString(writer, "cgroup_clone_into_dir", spec.cgroup_clone_into_dir);
  WriteStrings(writer, "cgroup_procs_files", spec.cgroup_procs_files);
  writer.Key("rlimits");
  writer.StartArray();
  for (const auto& rlimit : spec.rlimits) {
    writer.StartObject();
    WriteString(writer, "name", rlimit.name);
    writer.Key("soft");
    writer.Uint64(rlimit.soft);
    writer.Key("hard");
    writer.Uint64(rlimit.hard);
    writer.EndObject();
  }
  writer.EndArray();
  WriteString(writer, "stdout_path", spec.stdout_path);
  WriteString(writer, "stderr_path", spec.stderr_path);
  WriteString(writer, "exit_file", spec.exit_file);
  WriteString(writer, "shim_log_path", spec.shim_log_path);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<LaunchSpec> LaunchSpecFromJson(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return InvalidArgument("launch spec: malformed JSON");
  }
  LaunchSpec spec;
  RETURN_IF_ERROR(ReadString(document, "container_id", &spec.container_id));
  RETURN_IF_ERROR(ReadString(document, "rootfs_dir", &spec.rootfs_dir));
  RETURN_IF_ERROR(ReadStrings(document, "argv", &spec.argv));
  RETURN_IF_ERROR(ReadStrings(document, "env", &spec.env));
  RETURN_IF_ERROR(ReadString(document, "working_dir", &spec.working_dir));
  RETURN_IF_ERROR(ReadString(document, "hostname", &spec.hostname));
  RETURN_IF_ERROR(ReadString(document, "user", &spec.user));
  RETURN_IF_ERROR(ReadString(document, "cgroup_clone_into_dir", &spec.cgroup_clone_into_dir));
  RETURN_IF_ERROR(ReadStrings(document, "cgroup_procs_files", &spec.cgroup_procs_files));
  if (auto it = document.FindMember("rlimits"); it != document.MemberEnd() && it->value.IsArray()) {
    for (const auto& item : it->value.GetArray()) {
      if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString() ||
          !item.HasMember("soft") || !item["soft"].IsUint64() || !item.HasMember("hard") ||
          !item["hard"].IsUint64()) {
        return InvalidArgument("launch spec: malformed rlimit");
      }
      spec.rlimits.push_back(
          {item["name"].GetString(), item["soft"].GetUint64(), item["hard"].GetUint64()});
    }
  }
  RETURN_IF_ERROR(ReadString(document, "stdout_path", &spec.stdout_path));
  RETURN_IF_ERROR(ReadString(document, "stderr_path", &spec.stderr_path));
  RETURN_IF_ERROR(ReadString(document, "exit_file", &spec.exit_file));
  RETURN_IF_ERROR(ReadString(document, "shim_log_path", &spec.shim_log_path));
  if (spec.rootfs_dir.empty() || spec.argv.empty() || spec.exit_file.empty()) {
    return InvalidArgument("launch spec: rootfs_dir, argv and exit_file are required");
  }
  return spec;
}

std::string ExitRecordToJson(const ExitRecord& record) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("exit_code");
  writer.Int(record.exit_code);
  writer.Key("exit_signal");
  writer.Int(record.exit_signal);
  writer.Key("finished_unix_ns");
  writer.Int64(record.finished_unix_ns);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<ExitRecord> ExitRecordFromJson(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("exit_code") ||
      !document["exit_code"].IsInt()) {
    return DataLoss("exit record: malformed JSON");
  }
  ExitRecord record;
  record.exit_code = document["exit_code"].GetInt();
  if (document.HasMember("exit_signal") && document["exit_signal"].IsInt()) {
    record.exit_signal = document["exit_signal"].GetInt();
  }
  if (document.HasMember("finished_unix_ns") && document["finished_unix_ns"].IsInt64()) {
    record.finished_unix_ns = document["finished_unix_ns"].GetInt64();
  }
  return record;
}

int RlimitResourceByName(const std::string& name) {
  static const struct {
    const char* name;
    int resource;
  } kResources[] = {
      {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
      {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
      {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
      {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
      {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
      {"stack", RLIMIT_STACK},
  };
  for (const auto& entry : kResources) {
    if (name == entry.name) return entry.resource;
  }
  return -1;
}

}  // namespace boxcar
