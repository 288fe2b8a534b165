#include "launch/exec_spec.h"

#include <limits>

#include "launch/spec_json.h"

namespace boxcar {

namespace {

constexpr char kExecSpecName[] = "exec spec";

// A member that is absent keeps *out; one of another type is an error.
template <typename T>
Status ReadUnsignedField(const rapidjson::Value& object, const char* key, T* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsUint64() || it->value.GetUint64() > std::numeric_limits<T>::max()) {
    return InvalidArgument(std::string("exec spec: ") + key + " is not a valid number");
  }
  *out = static_cast<T>(it->value.GetUint64());
  return OkStatus();
}

}  // namespace

std::string ExecSpecToJson(const ExecSpec& spec) {
  rapidjson::StringBuffer buffer;
  SpecJsonWriter writer(buffer);
  writer.StartObject();
  WriteStringField(writer, "container_id", spec.container_id);
  WriteUint64Field(writer, "init_pid", static_cast<uint64_t>(spec.init_pid));
  WriteUint64Field(writer, "init_start_ticks", spec.init_start_ticks);
  WriteStringsField(writer, "argv", spec.argv);
  WriteStringsField(writer, "env", spec.env);
  WriteStringField(writer, "working_dir", spec.working_dir);
  WriteStringField(writer, "user", spec.user);
  WriteBoolField(writer, "tty", spec.tty);
  WriteUint64Field(writer, "tty_rows", spec.tty_rows);
  WriteUint64Field(writer, "tty_cols", spec.tty_cols);
  WriteStringsField(writer, "cgroup_procs_files", spec.cgroup_procs_files);
  WriteRlimitsField(writer, spec.rlimits);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<ExecSpec> ExecSpecFromJson(const std::string& json) {
  rapidjson::Document document;
  RETURN_IF_ERROR(ParseSpecObject(json, kExecSpecName, &document));
  ExecSpec spec;
  uint32_t init_pid = 0;
  RETURN_IF_ERROR(ReadStringField(document, kExecSpecName, "container_id", &spec.container_id));
  RETURN_IF_ERROR(ReadUnsignedField(document, "init_pid", &init_pid));
  RETURN_IF_ERROR(ReadUnsignedField(document, "init_start_ticks", &spec.init_start_ticks));
  RETURN_IF_ERROR(ReadStringsField(document, kExecSpecName, "argv", &spec.argv));
  RETURN_IF_ERROR(ReadStringsField(document, kExecSpecName, "env", &spec.env));
  RETURN_IF_ERROR(ReadStringField(document, kExecSpecName, "working_dir", &spec.working_dir));
  RETURN_IF_ERROR(ReadStringField(document, kExecSpecName, "user", &spec.user));
  RETURN_IF_ERROR(ReadBoolField(document, kExecSpecName, "tty", &spec.tty));
  RETURN_IF_ERROR(ReadUnsignedField(document, "tty_rows", &spec.tty_rows));
  RETURN_IF_ERROR(ReadUnsignedField(document, "tty_cols", &spec.tty_cols));
  RETURN_IF_ERROR(
      ReadStringsField(document, kExecSpecName, "cgroup_procs_files", &spec.cgroup_procs_files));
  RETURN_IF_ERROR(ReadRlimitsField(document, kExecSpecName, &spec.rlimits));

  if (init_pid == 0 || init_pid > static_cast<uint32_t>(std::numeric_limits<pid_t>::max()) ||
      spec.init_start_ticks == 0) {
    return InvalidArgument("exec spec: init_pid and init_start_ticks are required");
  }
  spec.init_pid = static_cast<pid_t>(init_pid);
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return InvalidArgument("exec spec: argv needs a command");
  }
  if (!spec.working_dir.empty() && spec.working_dir[0] != '/') {
    return InvalidArgument("exec spec: working_dir '" + spec.working_dir + "' is not absolute");
  }
  return spec;
}

}  // namespace boxcar
