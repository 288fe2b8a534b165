#include "launch/launch_spec.h"

#include <sys/resource.h>

#include <utility>

#include "launch/launch_devices_json.h"
#include "launch/launch_mounts_json.h"
#include "launch/spec_json.h"

namespace boxcar {

namespace {

constexpr char kSpecName[] = "launch spec";

void WriteUserNamespace(SpecJsonWriter& writer, const char* key, const LaunchSpec& spec) {
  writer.Key(key);
  writer.StartObject();
  WriteUint64Field(writer, "host_uid", spec.userns.host_uid);
  WriteUint64Field(writer, "host_gid", spec.userns.host_gid);
  WriteUint64Field(writer, "size", spec.userns.size);
  writer.EndObject();
}

// Absent: no user namespace.
Status ReadUserNamespace(const rapidjson::Value& object, const char* key, LaunchSpec* spec) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  const rapidjson::Value& value = it->value;
  for (const char* id_key : {"host_uid", "host_gid", "size"}) {
    if (!value.IsObject() || !value.HasMember(id_key) || !value[id_key].IsUint()) {
      return InvalidArgument(std::string(kSpecName) + ": " + key + "." + id_key +
                             " is not a uint32");
    }
  }
  spec->userns.host_uid = value["host_uid"].GetUint();
  spec->userns.host_gid = value["host_gid"].GetUint();
  spec->userns.size = value["size"].GetUint();
  return OkStatus();
}

// launch_mounts_json names its key ("mounts") itself.
void WriteMounts(SpecJsonWriter& writer, const char* /*key*/, const LaunchSpec& spec) {
  WriteLaunchMounts(writer, spec.mounts);
}

Status ReadMounts(const rapidjson::Value& object, const char* /*key*/, LaunchSpec* spec) {
  return ReadLaunchMounts(object, &spec->mounts);
}

// ProcessConfinement's keys sit in the spec itself (spec_json.h).
void WriteConfinement(SpecJsonWriter& writer, const char* /*key*/, const LaunchSpec& spec) {
  WriteConfinementFields(writer, spec.confinement);
}

Status ReadConfinement(const rapidjson::Value& object, const char* /*key*/, LaunchSpec* spec) {
  return ReadConfinementFields(object, kSpecName, &spec->confinement);
}

// launch_devices_json names its key ("devices") itself.
void WriteDevices(SpecJsonWriter& writer, const char* /*key*/, const LaunchSpec& spec) {
  WriteLaunchDevices(writer, spec.devices);
}

Status ReadDevices(const rapidjson::Value& object, const char* /*key*/, LaunchSpec* spec) {
  return ReadLaunchDevices(object, &spec->devices);
}

// Each "TYPE:PID:START_TICKS" or "TYPE:host" (launch/joined_namespace.h).
void WriteJoinedNamespaces(SpecJsonWriter& writer, const char* key, const LaunchSpec& spec) {
  std::vector<std::string> texts;
  for (const auto& joined : spec.joined_namespaces) texts.push_back(JoinedNamespaceToText(joined));
  WriteStringsField(writer, key, texts);
}

Status ReadJoinedNamespaces(const rapidjson::Value& object, const char* key, LaunchSpec* spec) {
  std::vector<std::string> texts;
  RETURN_IF_ERROR(ReadStringsField(object, kSpecName, key, &texts));
  for (const auto& text : texts) {
    ASSIGN_OR_RETURN(JoinedNamespace joined, JoinedNamespaceFromText(text));
    spec->joined_namespaces.push_back(std::move(joined));
  }
  return OkStatus();
}

// Written only when they say something: a spec without them reads as before they existed.
bool HasUserNamespace(const LaunchSpec& spec) { return spec.userns.enabled(); }
bool HasHostNetwork(const LaunchSpec& spec) { return spec.host_network; }
bool HasMounts(const LaunchSpec& spec) { return !spec.mounts.empty(); }
bool HasDevices(const LaunchSpec& spec) { return !spec.devices.empty(); }
bool HasReadOnlyRootfs(const LaunchSpec& spec) { return spec.read_only_rootfs; }
bool HasAttach(const LaunchSpec& spec) {
  return spec.tty || spec.stdin_open || !spec.attach_socket_path.empty();
}
bool AwaitsWatcher(const LaunchSpec& spec) { return spec.output_awaits_watcher; }
bool HasTerminalInit(const LaunchSpec& spec) { return !spec.terminal_init_path.empty(); }
bool HasOwnCapabilities(const LaunchSpec& spec) {
  return spec.kept_capabilities != kDefaultKeptCapabilities;
}
bool IsPrivileged(const LaunchSpec& spec) { return spec.privileged; }
bool HasLogBound(const LaunchSpec& spec) { return spec.log_max_size_bytes != 0; }
bool HasGroupAdd(const LaunchSpec& spec) { return !spec.group_add.empty(); }
bool HasSysctls(const LaunchSpec& spec) { return !spec.sysctls.empty(); }
bool HasShmSize(const LaunchSpec& spec) { return spec.shm_size_bytes != 0; }
bool HasJoinedNamespaces(const LaunchSpec& spec) { return !spec.joined_namespaces.empty(); }

const SpecField<LaunchSpec> kLaunchSpecFields[] = {
    {"container_id", &LaunchSpec::container_id},
    {"rootfs_dir", &LaunchSpec::rootfs_dir},
    {"argv", &LaunchSpec::argv},
    {"env", &LaunchSpec::env},
    {"working_dir", &LaunchSpec::working_dir},
    {"hostname", &LaunchSpec::hostname},
    {"user", &LaunchSpec::user},
    {"cgroup_clone_into_dir", &LaunchSpec::cgroup_clone_into_dir},
    {"cgroup_procs_files", &LaunchSpec::cgroup_procs_files},
    {"rlimits", &LaunchSpec::rlimits},
    {"stdout_path", &LaunchSpec::stdout_path},
    {"stderr_path", &LaunchSpec::stderr_path},
    {"log_max_size_bytes", &LaunchSpec::log_max_size_bytes, HasLogBound},
    {"log_max_files", &LaunchSpec::log_max_files, HasLogBound},
    {"exit_file", &LaunchSpec::exit_file},
    {"shim_log_path", &LaunchSpec::shim_log_path},
    {"userns", SpecObjectField<LaunchSpec>{WriteUserNamespace, ReadUserNamespace},
     HasUserNamespace},
    {"host_network", &LaunchSpec::host_network, HasHostNetwork},
    {"mounts", SpecObjectField<LaunchSpec>{WriteMounts, ReadMounts}, HasMounts},
    {"devices", SpecObjectField<LaunchSpec>{WriteDevices, ReadDevices}, HasDevices},
    {"read_only_rootfs", &LaunchSpec::read_only_rootfs, HasReadOnlyRootfs},
    {"tty", &LaunchSpec::tty, HasAttach},
    {"stdin_open", &LaunchSpec::stdin_open, HasAttach},
    {"attach_socket_path", &LaunchSpec::attach_socket_path, HasAttach},
    {"output_awaits_watcher", &LaunchSpec::output_awaits_watcher, AwaitsWatcher},
    {"terminal_init_path", &LaunchSpec::terminal_init_path, HasTerminalInit},
    {"kept_capabilities", &LaunchSpec::kept_capabilities, HasOwnCapabilities},
    {"confinement", SpecObjectField<LaunchSpec>{WriteConfinement, ReadConfinement}},
    {"privileged", &LaunchSpec::privileged, IsPrivileged},
    {"group_add", &LaunchSpec::group_add, HasGroupAdd},
    {"sysctls", &LaunchSpec::sysctls, HasSysctls},
    {"shm_size_bytes", &LaunchSpec::shm_size_bytes, HasShmSize},
    {"joined_namespaces", SpecObjectField<LaunchSpec>{WriteJoinedNamespaces, ReadJoinedNamespaces},
     HasJoinedNamespaces},
    {"oom_score_adj", &LaunchSpec::oom_score_adj},
};

}  // namespace

std::string LaunchSpecToJson(const LaunchSpec& spec) {
  return WriteSpecFields(spec, kLaunchSpecFields);
}

StatusOr<LaunchSpec> LaunchSpecFromJson(const std::string& json) {
  rapidjson::Document document;
  RETURN_IF_ERROR(ParseSpecObject(json, kSpecName, &document));
  LaunchSpec spec;
  RETURN_IF_ERROR(ReadSpecFields(document, kSpecName, kLaunchSpecFields, &spec));
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
