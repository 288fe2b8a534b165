#include "launch/exec_spec.h"

#include "launch/spec_json.h"

namespace boxcar {

namespace {

constexpr char kExecSpecName[] = "exec spec";

const SpecField<ExecSpec> kExecSpecFields[] = {
    {"container_id", &ExecSpec::container_id},
    {"init_pid", &ExecSpec::init_pid},
    {"init_start_ticks", &ExecSpec::init_start_ticks},
    {"argv", &ExecSpec::argv},
    {"env", &ExecSpec::env},
    {"working_dir", &ExecSpec::working_dir},
    {"user", &ExecSpec::user},
    {"group_add", &ExecSpec::group_add,
     [](const ExecSpec& spec) { return !spec.group_add.empty(); }},
    {"tty", &ExecSpec::tty},
    {"tty_rows", &ExecSpec::tty_rows},
    {"tty_cols", &ExecSpec::tty_cols},
    {"cgroup_procs_files", &ExecSpec::cgroup_procs_files},
    {"rlimits", &ExecSpec::rlimits},
    {"kept_capabilities", &ExecSpec::kept_capabilities,
     [](const ExecSpec& spec) { return spec.kept_capabilities != kDefaultKeptCapabilities; }},
    {"oom_score_adj", &ExecSpec::oom_score_adj},
    // ProcessConfinement's keys sit in the spec itself (spec_json.h).
    {"confinement", SpecObjectField<ExecSpec>{
                        [](SpecJsonWriter& writer, const char*, const ExecSpec& spec) {
                          WriteConfinementFields(writer, spec.confinement);
                        },
                        [](const rapidjson::Value& object, const char*, ExecSpec* spec) {
                          return ReadConfinementFields(object, kExecSpecName, &spec->confinement);
                        }}},
};

}  // namespace

std::string ExecSpecToJson(const ExecSpec& spec) { return WriteSpecFields(spec, kExecSpecFields); }

StatusOr<ExecSpec> ExecSpecFromJson(const std::string& json) {
  rapidjson::Document document;
  RETURN_IF_ERROR(ParseSpecObject(json, kExecSpecName, &document));
  ExecSpec spec;
  RETURN_IF_ERROR(ReadSpecFields(document, kExecSpecName, kExecSpecFields, &spec));

  // ReadPidField leaves 0 for a pid beyond pid_t's range.
  if (spec.init_pid <= 0 || spec.init_start_ticks == 0) {
    return InvalidArgument("exec spec: init_pid and init_start_ticks are required");
  }
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return InvalidArgument("exec spec: argv needs a command");
  }
  if (!spec.working_dir.empty() && spec.working_dir[0] != '/') {
    return InvalidArgument("exec spec: working_dir '" + spec.working_dir + "' is not absolute");
  }
  return spec;
}

}  // namespace boxcar
