#include "launch/launch_spec.h"

#include <sys/resource.h>

#include <utility>

#include "launch/launch_mounts_json.h"
#include "launch/spec_json.h"

namespace boxcar {

namespace {

constexpr char kSpecName[] = "launch spec";

void WriteUserNamespace(SpecJsonWriter& writer, const IdMapping& userns) {
  writer.Key("userns");
  writer.StartObject();
  WriteUint64Field(writer, "host_uid", userns.host_uid);
  WriteUint64Field(writer, "host_gid", userns.host_gid);
  WriteUint64Field(writer, "size", userns.size);
  writer.EndObject();
}

// Absent: no user namespace.
Status ReadUserNamespace(const rapidjson::Value& object, IdMapping* userns) {
  auto it = object.FindMember("userns");
  if (it == object.MemberEnd()) return OkStatus();
  const rapidjson::Value& value = it->value;
  for (const char* key : {"host_uid", "host_gid", "size"}) {
    if (!value.IsObject() || !value.HasMember(key) || !value[key].IsUint()) {
      return InvalidArgument(std::string(kSpecName) + ": userns." + key + " is not a uint32");
    }
  }
  userns->host_uid = value["host_uid"].GetUint();
  userns->host_gid = value["host_gid"].GetUint();
  userns->size = value["size"].GetUint();
  return OkStatus();
}

}  // namespace

std::string LaunchSpecToJson(const LaunchSpec& spec) {
  rapidjson::StringBuffer buffer;
  SpecJsonWriter writer(buffer);
  writer.StartObject();
  WriteStringField(writer, "container_id", spec.container_id);
  WriteStringField(writer, "rootfs_dir", spec.rootfs_dir);
  WriteStringsField(writer, "argv", spec.argv);
  WriteStringsField(writer, "env", spec.env);
  WriteStringField(writer, "working_dir", spec.working_dir);
  WriteStringField(writer, "hostname", spec.hostname);
  WriteStringField(writer, "user", spec.user);
  WriteStringField(writer, "cgroup_clone_into_dir", spec.cgroup_clone_into_dir);
  WriteStringsField(writer, "cgroup_procs_files", spec.cgroup_procs_files);
  WriteRlimitsField(writer, spec.rlimits);
  WriteStringField(writer, "stdout_path", spec.stdout_path);
  WriteStringField(writer, "stderr_path", spec.stderr_path);
  WriteStringField(writer, "exit_file", spec.exit_file);
  WriteStringField(writer, "shim_log_path", spec.shim_log_path);
  if (spec.userns.enabled()) WriteUserNamespace(writer, spec.userns);
  if (spec.host_network) {
    WriteBoolField(writer, "host_network", true);
  }
  if (!spec.mounts.empty()) WriteLaunchMounts(writer, spec.mounts);
  if (spec.read_only_rootfs) {
    WriteBoolField(writer, "read_only_rootfs", true);
  }
  if (spec.tty || spec.stdin_open) {
    WriteBoolField(writer, "tty", spec.tty);
    WriteBoolField(writer, "stdin_open", spec.stdin_open);
    WriteStringField(writer, "attach_socket_path", spec.attach_socket_path);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<LaunchSpec> LaunchSpecFromJson(const std::string& json) {
  rapidjson::Document document;
  RETURN_IF_ERROR(ParseSpecObject(json, kSpecName, &document));
  LaunchSpec spec;
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "container_id", &spec.container_id));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "rootfs_dir", &spec.rootfs_dir));
  RETURN_IF_ERROR(ReadStringsField(document, kSpecName, "argv", &spec.argv));
  RETURN_IF_ERROR(ReadStringsField(document, kSpecName, "env", &spec.env));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "working_dir", &spec.working_dir));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "hostname", &spec.hostname));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "user", &spec.user));
  RETURN_IF_ERROR(
      ReadStringField(document, kSpecName, "cgroup_clone_into_dir", &spec.cgroup_clone_into_dir));
  RETURN_IF_ERROR(
      ReadStringsField(document, kSpecName, "cgroup_procs_files", &spec.cgroup_procs_files));
  RETURN_IF_ERROR(ReadRlimitsField(document, kSpecName, &spec.rlimits));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "stdout_path", &spec.stdout_path));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "stderr_path", &spec.stderr_path));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "exit_file", &spec.exit_file));
  RETURN_IF_ERROR(ReadStringField(document, kSpecName, "shim_log_path", &spec.shim_log_path));
  RETURN_IF_ERROR(ReadUserNamespace(document, &spec.userns));
  RETURN_IF_ERROR(ReadBoolField(document, kSpecName, "host_network", &spec.host_network));
  RETURN_IF_ERROR(ReadLaunchMounts(document, &spec.mounts));
  RETURN_IF_ERROR(
      ReadBoolField(document, kSpecName, "read_only_rootfs", &spec.read_only_rootfs));
  RETURN_IF_ERROR(ReadBoolField(document, kSpecName, "tty", &spec.tty));
  RETURN_IF_ERROR(ReadBoolField(document, kSpecName, "stdin_open", &spec.stdin_open));
  RETURN_IF_ERROR(
      ReadStringField(document, kSpecName, "attach_socket_path", &spec.attach_socket_path));
  if ((spec.tty || spec.stdin_open) && spec.attach_socket_path.empty()) {
    return InvalidArgument("launch spec: tty and stdin_open need attach_socket_path");
  }
  if (spec.rootfs_dir.empty() || spec.argv.empty() || spec.exit_file.empty()) {
    return InvalidArgument("launch spec: rootfs_dir, argv and exit_file are required");
  }
  return spec;
}

std::string ExitRecordToJson(const ExitRecord& record) {
  rapidjson::StringBuffer buffer;
  SpecJsonWriter writer(buffer);
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
