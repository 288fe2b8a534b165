// What the agent hands to `boxcar-shim exec` to run one more process inside a running
// container. Backend-neutral: the container is named by the host pid of its PID 1, with that
// process's start time so that a recycled pid is refused. Travels as one line of JSON, like
// LaunchSpec, so the shim needs no gRPC/protobuf.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

struct ExecSpec {
  std::string container_id;       // for messages
  pid_t init_pid = 0;             // host pid of the container's PID 1
  uint64_t init_start_ticks = 0;  // its start time, as ReadProcessStartTicks(init_pid)
  std::vector<std::string> argv;  // argv[0] is looked up in the container's PATH
  // "KEY=value", complete (the caller merges the container's environment in). PATH, HOME and
  // HOSTNAME, and TERM with a tty, get defaults when absent.
  std::vector<std::string> env;
  std::string working_dir;  // absolute, inside the container; empty: PID 1's working directory
  std::string user;         // "name", "uid", "uid:gid", "name:group"; resolved in the container
  std::vector<std::string> group_add;  // the container's (LaunchSpec::group_add)
  bool tty = false;         // a terminal from the container's devpts on stdin/stdout/stderr
  uint16_t tty_rows = 0;    // initial terminal size; 0 leaves the kernel's default
  uint16_t tty_cols = 0;
  std::vector<std::string> cgroup_procs_files;  // host paths; the process joins each before exec
  std::vector<RlimitSetting> rlimits;
  // The container's bounding set (LaunchSpec::kept_capabilities).
  uint64_t kept_capabilities = kDefaultKeptCapabilities;
  // The container's (LaunchSpec::confinement).
  ProcessConfinement confinement;
  // The container's --oom-score-adj (LaunchSpec::oom_score_adj); unset: the shim's own.
  std::optional<int> oom_score_adj;
};

std::string ExecSpecToJson(const ExecSpec& spec);
// Checks what the shim relies on: a pid and start time, a command, an absolute working_dir.
StatusOr<ExecSpec> ExecSpecFromJson(const std::string& json);

}  // namespace boxcar
