// What the agent hands to boxcar-shim to start one container, and what the shim leaves
// behind when the payload exits. Both travel as JSON so the shim needs no gRPC/protobuf.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/user_namespace.h"
#include "launch/joined_namespace.h"

namespace boxcar {

// The capabilities a container keeps by default (shim/hardening.h's policy, which checks it):
// Docker's default set without CAP_MKNOD.
inline constexpr uint64_t kDefaultKeptCapabilities = 0x00000000a00425fbull;

struct RlimitSetting {
  std::string name;  // "nofile", "nproc", ... (lower case, no RLIMIT_ prefix)
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// One mount of the container, resolved by the agent: a volume is a bind of its directory.
struct LaunchMount {
  enum class Kind { kBind, kTmpfs };
  Kind kind = Kind::kBind;
  std::string source;  // kBind: absolute host path
  std::string target;  // absolute path inside the container, resolved inside the rootfs
  bool read_only = false;
  uint64_t tmpfs_size_bytes = 0;  // kTmpfs: 0 = the kernel's default
  uint32_t tmpfs_mode = 0;        // kTmpfs: 0 = 01777
};

// How a container's processes are confined beyond their bounding set (--security-opt,
// --privileged), the same for its payload and every exec.
struct ProcessConfinement {
  // no_new_privs (Docker's no-new-privileges): off by default, as Docker's, so that setuid
  // binaries work; the seccomp filter then goes in while the process is still root.
  bool no_new_privileges = false;
  bool seccomp_unconfined = false;  // no seccomp filter at all
  // Docker's profile format (shim/seccomp_profile.h) in place of the default filter; "": the
  // default filter.
  std::string seccomp_profile_json;
  bool operator==(const ProcessConfinement&) const = default;
};

// A host device node given to the container (--device), resolved by the agent at start.
struct LaunchDevice {
  std::string host_path;  // where the node is on the host (bound from there in a userns)
  std::string target;     // absolute path inside the container
  char type = 'c';        // 'c' or 'b'
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t mode = 0;  // permission bits of the host's node
  uint32_t uid = 0;   // owner of the host's node
  uint32_t gid = 0;
};

struct LaunchSpec {
  std::string container_id;
  std::string rootfs_dir;  // mounted snapshot; becomes "/" inside
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "KEY=value"
  std::string working_dir;       // absolute, inside the rootfs
  std::string hostname;
  std::string user;  // "name", "uid", "uid:gid", "name:group"; resolved inside the rootfs
  // More supplementary groups (--group-add): names, resolved in the rootfs's /etc/group, or gids.
  std::vector<std::string> group_add;
  std::string cgroup_clone_into_dir;  // cgroup2 dir the payload is cloned into (CLONE_INTO_CGROUP)
  std::vector<std::string> cgroup_procs_files;  // the payload joins each before exec
  std::vector<RlimitSetting> rlimits;
  // The output log: the payload's stdout and stderr, appended as records
  // (launch/log_records.h) by the shim, which reads them from pipes or the terminal.
  // "": the output is read and dropped (--log-driver none).
  std::string stdout_path;
  // The shim rotates the output log past this size (launch/output_log_files.h), keeping this
  // many files in all; 0: one file without bound.
  uint64_t log_max_size_bytes = 0;
  uint64_t log_max_files = 1;
  std::string stderr_path;    // unused since output records (empty)
  std::string exit_file;      // the shim writes an ExitRecord here when the payload ends
  std::string shim_log_path;  // the shim's own stderr, appended
  // Enabled: the payload gets a user namespace of its own with these ids, and rootfs_dir
  // already shows the image's files shifted into them.
  IdMapping userns;
  // The payload stays in the network namespace the shim was started in (--network host)
  // instead of the one the shim made.
  bool host_network = false;
  // Namespaces shared with another container or the host instead of made for the payload
  // (launch/joined_namespace.h); empty for most containers. A joined "net" replaces the one
  // the shim made (no interfaces are plugged in then); a joined "uts" skips sethostname.
  std::vector<JoinedNamespace> joined_namespaces;
  // Attached below the rootfs in the order given (parents before what lies under them).
  std::vector<LaunchMount> mounts;
  // Made below the container's /dev once it is set up (after the mounts).
  std::vector<LaunchDevice> devices;
  // The rootfs mount itself is read-only (the mounts, /dev and /proc are not).
  bool read_only_rootfs = false;
  // The bounding set of the payload (and of every exec): a mask of capability numbers.
  uint64_t kept_capabilities = kDefaultKeptCapabilities;
  ProcessConfinement confinement;
  // --privileged: /proc without masked or read-only paths, /sys read-write, the host's device
  // nodes in /dev (the agent also keeps every capability and sets seccomp_unconfined).
  bool privileged = false;
  // Namespaced kernel parameters, "KEY=VALUE" with the key as Docker takes it
  // (launch/sysctl_key.h), checked by the agent: written inside the container's namespaces,
  // its interfaces already there, before the payload starts.
  std::vector<std::string> sysctls;
  // Bytes of the container's /dev/shm; 0: 64 MiB.
  uint64_t shm_size_bytes = 0;
  // --oom-score-adj: the payload's /proc/self/oom_score_adj; unset: the one the shim started
  // with.
  std::optional<int> oom_score_adj;
  // The payload's stdio are a terminal of the container's devpts (tty), or its stdin a pipe
  // (stdin_open); either way the shim listens on attach_socket_path for input
  // (launch/stdio_frames.h); the terminal is drained into stdout_path. Without a stdout_path
  // (--log-driver none) the shim listens there too, for attaches watching the output.
  bool tty = false;
  bool stdin_open = false;
  std::string attach_socket_path;
  // The shim holds the output until an attach watches it (at most 5 s): set by a start for
  // an attach of a container whose output is not kept, so none is lost before it connects.
  bool output_awaits_watcher = false;
  // boxcar-shim, for boxcar-lxc-shim: with tty, the payload starts as its terminal init
  // (shim/terminal_init.h), liblxc giving the payload no controlling terminal of its own.
  std::string terminal_init_path;
  // Not sent to the shim: called with the shim's pid once its network namespace exists and
  // before the payload is started in it, to plug interfaces in (--network NAME).
  std::function<Status(pid_t shim_pid)> prepare_network;
  // Not sent to the shim: the limits the agent writes into the container's cgroups, for
  // backends that also state them to their own manager (libvirt's domain XML). 0: unlimited.
  uint64_t memory_limit_bytes = 0;
  uint32_t cpu_millis = 0;
  uint64_t memory_reservation_bytes = 0;
  int64_t memory_swap_bytes = 0;
  uint32_t blkio_weight = 0;
  uint64_t cpu_period_us = 0;
  int64_t cpu_quota_us = 0;
};

// How a payload ended, as written by the shim into LaunchSpec::exit_file.
struct ExitRecord {
  int exit_code = 0;    // exit status, or 128 + signal
  int exit_signal = 0;  // signal that killed the payload, 0 if it exited
  int64_t finished_unix_ns = 0;
};

std::string LaunchSpecToJson(const LaunchSpec& spec);
StatusOr<LaunchSpec> LaunchSpecFromJson(const std::string& json);

std::string ExitRecordToJson(const ExitRecord& record);
StatusOr<ExitRecord> ExitRecordFromJson(const std::string& json);

// Maps "nofile" to RLIMIT_NOFILE etc.; -1 when unknown.
int RlimitResourceByName(const std::string& name);

}  // namespace boxcar
