// boxcar-lxc-shim: the lxc backend's supervisor, one per container. It speaks boxcar-shim's
// protocol: boxcard starts it with a socket on fd 3 and sends the LaunchSpec as JSON; the shim
// replies "ok <shim pid> <payload pid>\n" once the payload runs (or "error <code> <message>\n"),
// then waits for the payload and writes its ExitRecord atomically. It outlives boxcard.
//
// liblxc does the container. This process (single-threaded) settles what needs the image
// (user, working directory, command), enters a private mount namespace and forks LXC's monitor
// (lxc_monitor.h), which joins the agent's cgroups and calls start(). This process asks the
// monitor for the payload's pid, replies, and waits for the monitor's report.
#include <fcntl.h>
#include <linux/sched.h>
#include <lxc/lxccontainer.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/fd_io.h"
#include "common/pidfd.h"
#include "common/unique_fd.h"
#include "common/unix_time.h"
#include "launch/attach_socket.h"
#include "launch/exit_record_reserve.h"
#include "launch/launch_spec.h"
#include "lxc_shim/lxc_config.h"
#include "lxc_shim/lxc_monitor.h"
#include "lxc_shim/lxc_mount_namespace.h"
#include "lxc_shim/lxc_payload_watch.h"
#include "lxc_shim/lxc_seccomp_policy.h"
#include "lxc_shim/lxc_terminal_init.h"
#include "lxc_shim/rootfs_lookup.h"
#include "shim/container_init.h"
#include "shim/container_mounts.h"
#include "shim/joined_namespaces.h"
#include "shim/namespaced_sysctls.h"
#include "shim/stdio_relay.h"

namespace boxcar {
namespace {

constexpr int kControlFd = 3;
constexpr int kExitSetupFailed = 125;

void Reply(const std::string& line) { (void)WriteAll(kControlFd, line + "\n", "the reply"); }

// A failure before the payload runs: "error <code> <message>".
[[noreturn]] void RefuseStart(int exit_code, const std::string& message) {
  Reply("error " + std::to_string(exit_code) + " " + message);
  std::exit(1);
}

void RefuseUnless(const Status& status) {
  if (!status.ok()) RefuseStart(kExitSetupFailed, status.message());
}

UniqueFd OpenOrRefuse(const std::string& path, int flags, const std::string& what) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0640));
  if (!fd) {
    RefuseStart(kExitSetupFailed, "open " + what + " '" + path + "': " + std::strerror(errno));
  }
  return fd;
}

// The first error LXC logged after `offset`, without LXC's prefix; "" if none.
std::string FirstLxcError(const std::string& log_file, size_t offset) {
  auto log = ReadFileToString(log_file);
  if (!log.ok() || log->size() <= offset) return "";
  for (size_t start = offset; start < log->size();) {
    size_t end = log->find('\n', start);
    if (end == std::string::npos) end = log->size();
    std::string line = log->substr(start, end - start);
    start = end + 1;
    // "lxc <name> <time> ERROR    <module> - <file>:<function>:<line> - <message>"
    size_t level = line.find(" ERROR ");
    if (level == std::string::npos) continue;
    size_t location = line.find(" - ", level);
    size_t message = location == std::string::npos ? location : line.find(" - ", location + 3);
    return message == std::string::npos ? line : line.substr(message + 3);
  }
  return "";
}

// Whether the monitor has written its report (it is done, or about to exit).
bool ReportIsReady(int report_fd) {
  struct pollfd ready = {report_fd, POLLIN, 0};
  return ::poll(&ready, 1, 0) > 0;
}

// The monitor's report, read to its end (the monitor's exit); nullopt if it said nothing.
std::optional<MonitorReport> ReadMonitorReport(int report_fd) {
  auto text = ReadAll(report_fd, "the monitor report");
  return MonitorReportFromText(text.ok() ? *text : "");
}

// What needs the image, settled from the host before anything starts: the user, the working
// directory (made if missing, as the chroot shim does) and whether the command exists.
LxcContainerSettings SettleInRootfs(const LaunchSpec& spec) {
  UniqueFd rootfs(::open(spec.rootfs_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfs) {
    RefuseStart(kExitSetupFailed, "open rootfs '" + spec.rootfs_dir + "': " + std::strerror(errno));
  }
  LxcContainerSettings settings;
  auto passwd = OpenInRootfs(rootfs.get(), "/etc/passwd", O_RDONLY);
  auto group = OpenInRootfs(rootfs.get(), "/etc/group", O_RDONLY);
  std::string error;
  const std::string group_path = group.ok() ? "/proc/self/fd/" + std::to_string(group->get()) : "";
  if (!ResolveUser(spec.user, passwd.ok() ? "/proc/self/fd/" + std::to_string(passwd->get()) : "",
                   group_path, &settings.user, &error) ||
      !AddExtraGroups(spec.group_add, group_path, &settings.user, &error)) {
    RefuseStart(kExitSetupFailed, error);
  }
  settings.working_dir = spec.working_dir.empty() ? "/" : spec.working_dir;
  // Made from the host: owned by the container's root, as the chroot shim would make it.
  RefuseUnless(MakeDirectoriesInRootfs(rootfs.get(), settings.working_dir, spec.userns.host_uid,
                                       spec.userns.host_gid));
  // LXC would report a failed exec only as "could not start": find out first, as exec would.
  CommandCheck command = CheckCommandInRootfs(
      rootfs.get(), spec.argv[0], PayloadSearchPath(PayloadEnvironment(spec, settings.user)),
      settings.working_dir);
  if (command.exit_code != 0) RefuseStart(command.exit_code, command.message);
  return settings;
}

// The seccomp policy (the container's own profile, else the default) in a memfd of this
// process, named by its /proc path: nothing is written to disk per start, and the monitor
// reads it while this process keeps it open.
UniqueFd SeccompProfileMemfd(const LaunchSpec& spec, std::string* path) {
  std::string policy_text = LxcSeccompProfile(spec.kept_capabilities);
  if (!spec.confinement.seccomp_profile_json.empty()) {
    // Checked at Create, actions included (the lxc backend lacks "seccomp_every_action").
    SeccompPolicy policy;
    const std::string error =
        ReadSeccompProfile(spec.confinement.seccomp_profile_json, spec.kept_capabilities, &policy);
    if (!error.empty()) RefuseStart(kExitSetupFailed, "seccomp profile: " + error);
    policy_text = LxcSeccompPolicyText(policy);
  }
  UniqueFd memfd(::memfd_create("boxcar-lxc-seccomp", MFD_CLOEXEC));
  if (!memfd) RefuseStart(kExitSetupFailed, std::string("memfd_create: ") + std::strerror(errno));
  RefuseUnless(WriteAll(memfd.get(), policy_text, "the seccomp profile"));
  *path = "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(memfd.get());
  return memfd;
}

// The monitor, born in the container's cgroup2 directory `cgroup_dir` when there is one (no
// migration), else joining it through `cgroup_dir_procs`.
pid_t StartMonitor(MonitorLaunch& launch, const UniqueFd& cgroup_dir,
                   const UniqueFd& cgroup_dir_procs) {
  struct clone_args args {};
  args.exit_signal = SIGCHLD;
  if (cgroup_dir) {
    args.flags = CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_dir.get());
  }
  long child = ::syscall(SYS_clone3, &args, sizeof args);
  if (child < 0 && cgroup_dir) {
    // Kernels before 5.7: the monitor joins by writing cgroup.procs instead.
    launch.cgroup_procs_fds.push_back(cgroup_dir_procs.get());
    child = ::fork();
  }
  if (child < 0) RefuseStart(kExitSetupFailed, std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    ::close(kControlFd);
    RunLxcMonitor(launch);
  }
  return static_cast<pid_t>(child);
}

// LXC's error_num is a wait status, except that an init killed by a signal shows as "stopped"
// by it: exit_status = si_status << 8 | 0x7f (signal_handler() in LXC's start.c).
ExitRecord ExitRecordOfLxcStatus(int lxc_status) {
  ExitRecord record;
  if (WIFSTOPPED(lxc_status) || WIFSIGNALED(lxc_status)) {
    record.exit_signal = WIFSTOPPED(lxc_status) ? WSTOPSIG(lxc_status) : WTERMSIG(lxc_status);
    record.exit_code = 128 + record.exit_signal;
  } else {
    record.exit_code = WEXITSTATUS(lxc_status);
  }
  record.finished_unix_ns = NowUnixNs();
  return record;
}

int Run() {
  // Only stdio and fd 3 survive from the agent; the shim outlives the agent's session.
  ::syscall(SYS_close_range, kControlFd + 1U, ~0U, 0U);
  ::setsid();
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT}) ::signal(sig, SIG_IGN);
  // The monitor lives in the container's cgroups: the OOM killer must pick the payload, never
  // the processes that record its exit. LXC gives the payload the original value back.
  auto oom_score_adj = ReadFileToString("/proc/self/oom_score_adj");
  {
    UniqueFd adj(::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC));
    if (adj) (void)WriteAll(adj.get(), "-1000", "oom_score_adj");
  }

  // The container's network namespace, made as boxcar-shim makes it (shim_main.cc): the agent
  // may plug interfaces into /proc/<shim>/ns/net before it sends the spec.
  UniqueFd host_netns(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
  const bool netns_made = ::unshare(CLONE_NEWNET) == 0 && BringUpLoopback();
  Reply(netns_made ? "ready 1" : "ready 0");

  auto spec_text = ReadAll(kControlFd, "the launch spec");
  auto spec_or = LaunchSpecFromJson(spec_text.ok() ? *spec_text : "");
  if (!spec_or.ok()) RefuseStart(kExitSetupFailed, spec_or.status().message());
  const LaunchSpec& spec = *spec_or;
  if (!spec.shim_log_path.empty()) {
    UniqueFd log = OpenOrRefuse(spec.shim_log_path, O_WRONLY | O_APPEND | O_CREAT, "the shim log");
    ::dup2(log.get(), 2);
  }
  // The exit record's room, taken before the payload runs, as boxcar-shim does: a disk full
  // by the payload's exit still gets its code recorded (launch/exit_record_reserve.h).
  auto exit_reserve = MakeExitRecordReserve(spec.exit_file);
  if (!exit_reserve.ok())
    std::fprintf(stderr, "boxcar-lxc-shim: %s\n", exit_reserve.status().message().c_str());

  if (spec.host_network && (!host_netns || ::setns(host_netns.get(), CLONE_NEWNET) != 0)) {
    RefuseStart(kExitSetupFailed,
                std::string("join the host's network namespace: ") + std::strerror(errno));
  }
  host_netns.reset();
  // --network container:NAME: the shim enters that network namespace and LXC keeps it, as it
  // keeps the host's (lxc.net.0.type none); the other shared ones are LXC's (lxc_config.cc).
  if (const JoinedNamespace* network = FindJoinedNamespace(spec.joined_namespaces, "net")) {
    RefuseUnless(EnterJoinedNamespace(*network));
  }
  // The container's sysctls, written here in the namespaces its payload will have: the network
  // one the agent plugged (lxc.net.0.type none: eth0 is in already) and an IPC one made for
  // it, which LXC keeps (lxc.namespace.keep) instead of making its own. LXC's lxc.sysctl.*
  // would write only after /proc/sys turned read-only (proc:mixed and our read-only paths).
  const bool keep_ipc_namespace = !spec.sysctls.empty();
  if (keep_ipc_namespace) {
    // The agent refuses sysctls with a user namespace on this backend; without a namespace of
    // our own, net.* would land in the host's.
    if (spec.userns.enabled() || (!netns_made && !spec.host_network)) {
      RefuseStart(kExitSetupFailed,
                  "the lxc backend sets sysctls only in a network namespace of boxcar-lxc-shim's "
                  "and without a user namespace");
    }
    if (::unshare(CLONE_NEWIPC) != 0) {
      RefuseStart(kExitSetupFailed,
                  std::string("unshare the container's IPC namespace: ") + std::strerror(errno));
    }
    RefuseUnless(WriteNamespacedSysctls(spec.sysctls, "/proc/sys"));
  }
  // The container's state directory is LXC's lxcpath; LXC writes its log into the shim's.
  const std::string state_dir = spec.exit_file.substr(0, spec.exit_file.rfind('/'));
  MonitorLaunch launch;
  launch.lxcpath = state_dir;
  launch.name = spec.container_id.empty() ? "container" : spec.container_id.substr(0, 12);
  launch.argv = spec.argv;

  // What the monitor needs from the host, opened before the cgroup mounts are hidden.
  UniqueFd stdin_fd = OpenOrRefuse("/dev/null", O_RDONLY, "stdin");
  // As boxcar-shim: the payload writes into pipes, copied into the output log as records.
  auto opened_log =
      OutputLogWriter::Open(spec.stdout_path, {spec.log_max_size_bytes, spec.log_max_files});
  RefuseUnless(opened_log.status());
  OutputLogWriter output_log = std::move(*opened_log);
  int stdout_pipe[2], stderr_pipe[2];
  if (::pipe2(stdout_pipe, O_CLOEXEC) != 0 || ::pipe2(stderr_pipe, O_CLOEXEC) != 0) {
    RefuseStart(kExitSetupFailed, std::string("pipe: ") + std::strerror(errno));
  }
  UniqueFd stdout_read(stdout_pipe[0]), stdout_fd(stdout_pipe[1]);
  UniqueFd stderr_read(stderr_pipe[0]), stderr_fd(stderr_pipe[1]);
  launch.stdin_fd = stdin_fd.get();
  launch.stdout_fd = stdout_fd.get();
  launch.stderr_fd = stderr_fd.get();
  // With a terminal, an open stdin or an output that is not kept, as boxcar-shim
  // (shim/stdio_relay.h). The terminal is one
  // of the container's devpts, which the payload's first image, the terminal init, opens and
  // makes its controlling terminal (lxc_terminal_init.h); until then its stdio are the
  // monitor's, so what fails before goes to the output log.
  UniqueFd attach_listener, stdin_write;
  LxcTerminalInit terminal_init;
  if (!spec.attach_socket_path.empty()) {
    auto listener = ListenOnAttachSocket(spec.attach_socket_path);
    RefuseUnless(listener.status());
    attach_listener = std::move(*listener);
  }
  if (spec.tty) {
    auto prepared = PrepareLxcTerminalInit(spec.terminal_init_path);
    RefuseUnless(prepared.status());
    terminal_init = std::move(*prepared);
    launch.terminal_image_fd = terminal_init.image.get();
    launch.terminal_socket_fd = terminal_init.init_end.get();
  } else if (spec.stdin_open) {
    int stdin_pipe[2];
    if (::pipe2(stdin_pipe, O_CLOEXEC) != 0) {
      RefuseStart(kExitSetupFailed, std::string("pipe: ") + std::strerror(errno));
    }
    stdin_fd.reset(stdin_pipe[0]);
    stdin_write.reset(stdin_pipe[1]);
    launch.stdin_fd = stdin_fd.get();
  }
  std::vector<UniqueFd> procs_fds;
  for (const auto& procs_file : spec.cgroup_procs_files) {
    procs_fds.push_back(OpenOrRefuse(procs_file, O_WRONLY, "cgroup.procs"));
    launch.cgroup_procs_fds.push_back(procs_fds.back().get());
  }
  UniqueFd cgroup_dir, cgroup_dir_procs;
  if (!spec.cgroup_clone_into_dir.empty()) {
    cgroup_dir = OpenOrRefuse(spec.cgroup_clone_into_dir, O_RDONLY | O_DIRECTORY, "cgroup");
    cgroup_dir_procs =
        OpenOrRefuse(spec.cgroup_clone_into_dir + "/cgroup.procs", O_WRONLY, "cgroup.procs");
  }
  RefuseUnless(EnterLxcMountNamespace(spec.rootfs_dir, launch.lxcpath));
  // The container's own mounts, below the rootfs in this private namespace: LXC binds the
  // rootfs recursively, so they come along (read-only flags included).
  // The image is settled after them (a working directory inside a volume is made in it) and
  // before the root turns read-only.
  UniqueFd rootfs = OpenOrRefuse(spec.rootfs_dir, O_PATH | O_DIRECTORY, "the rootfs");
  {
    auto prepared_mounts = PrepareMounts(spec.mounts, spec.userns);
    RefuseUnless(prepared_mounts.status());
    RefuseUnless(AttachMounts(rootfs.get(), *prepared_mounts));
  }
  LxcContainerSettings settings = SettleInRootfs(spec);
  if (spec.read_only_rootfs) RefuseUnless(MakeMountReadOnly(rootfs.get(), "the root filesystem"));
  rootfs.reset();
  // A user-namespaced payload gets a network namespace of its own (owned by its user
  // namespace) from LXC, as before.
  settings.share_network_namespace =
      ((netns_made || spec.host_network) && !spec.userns.enabled()) ||
      FindJoinedNamespace(spec.joined_namespaces, "net") != nullptr;
  settings.host_namespaces_pid = ::getpid();
  settings.keep_ipc_namespace = keep_ipc_namespace;
  settings.oom_score_adj = spec.oom_score_adj   ? *spec.oom_score_adj
                           : oom_score_adj.ok() ? std::atoi(oom_score_adj->c_str())
                                                : 0;
  settings.log_file = spec.shim_log_path.empty() ? state_dir + "/lxc.log" : spec.shim_log_path;
  if (spec.userns.enabled()) {
    auto paths = MakeUserNamespacePaths(spec.rootfs_dir);
    RefuseUnless(paths.status());
    launch.lxcpath = paths->lxcpath;
    settings.rootfs_dir = paths->rootfs_dir;
  }

  settings.rootfs_mount = LxcDefaultRootfsMount(launch.name, launch.lxcpath);
  if (settings.rootfs_mount.empty()) {
    RefuseStart(kExitSetupFailed, "liblxc does not tell where it mounts the rootfs");
  }
  UniqueFd seccomp_profile;
  if (!spec.confinement.seccomp_unconfined)
    seccomp_profile = SeccompProfileMemfd(spec, &settings.seccomp_profile);
  launch.config = LxcConfigItems(spec, settings);
  int report_pipe[2];
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) {
    RefuseStart(kExitSetupFailed, std::string("pipe: ") + std::strerror(errno));
  }
  UniqueFd report(report_pipe[0]);
  launch.report_fd = report_pipe[1];
  auto log_before = ReadFileToString(settings.log_file);
  const size_t log_offset = log_before.ok() ? log_before->size() : 0;

  pid_t monitor = StartMonitor(launch, cgroup_dir, cgroup_dir_procs);
  ::close(report_pipe[1]);
  procs_fds.clear();
  cgroup_dir.reset();
  cgroup_dir_procs.reset();
  stdin_fd.reset();
  stdout_fd.reset();
  stderr_fd.reset();
  terminal_init.image.reset();
  terminal_init.init_end.reset();

  pid_t payload = WaitForRunningPayload(launch.name, launch.lxcpath, report.get());
  UniqueFd terminal;
  if (spec.tty) terminal = ReceiveTerminalMaster(terminal_init.shim_end.get(), report.get());
  terminal_init.shim_end.reset();
  // The monitor ends after the payload: then no slave of the terminal is left, and no writer
  // of the pipes. Opened before the monitor can be reaped.
  UniqueFd monitor_pidfd = OpenPidfd(monitor);
  std::optional<MonitorReport> monitor_report;
  if (payload == 0 && ReportIsReady(report.get())) {
    // The payload came and went before the monitor could be asked; the monitor has reported
    // (its output is all in the pipes, which it could not have outgrown and ended). Its pid
    // comes from the report, and the "ok" goes before the output is relayed, so that it is
    // held for the agent's watcher as a longer payload's is (--log-driver none loses nothing).
    monitor_report = ReadMonitorReport(report.get());
    if (monitor_report && monitor_report->started) payload = monitor_report->payload_pid;
  }
  if (payload > 0) {
    Reply("ok " + std::to_string(::getpid()) + " " + std::to_string(payload));
    ::close(kControlFd);
  }
  if (monitor_pidfd) {
    // Held for a watcher only once the agent has its "ok": before, it cannot attach.
    RunStdioRelay({attach_listener.get(), terminal.get(), stdin_write.get(), stdout_read.get(),
                   stderr_read.get(), &output_log, monitor_pidfd.get(),
                   spec.output_awaits_watcher && payload > 0});
  }
  if (attach_listener) ::unlink(spec.attach_socket_path.c_str());
  attach_listener.reset();
  terminal.reset();
  stdin_write.reset();
  stdout_read.reset();
  stderr_read.reset();
  monitor_pidfd.reset();
  if (!monitor_report) monitor_report = ReadMonitorReport(report.get());
  int monitor_status = 0;
  while (::waitpid(monitor, &monitor_status, 0) < 0 && errno == EINTR) {
  }
  if (!monitor_report) {
    // The monitor died without a word (killed): no exit record, so the agent reports 255.
    if (payload == 0) {
      RefuseStart(kExitSetupFailed, "lxc's monitor died (see " + settings.log_file + ")");
    }
    std::fprintf(stderr, "boxcar-lxc-shim: the monitor ended without a report\n");
    return 1;
  }
  if (!monitor_report->started) {
    std::string cause = FirstLxcError(settings.log_file, log_offset);
    RefuseStart(kExitSetupFailed, monitor_report->error + (cause.empty() ? "" : ": " + cause) +
                                      " (see " + settings.log_file + ")");
  }
  if (payload == 0) {
    // It came and went before the monitor could be asked, and the report came late.
    Reply("ok " + std::to_string(::getpid()) + " " + std::to_string(monitor_report->payload_pid));
    ::close(kControlFd);
  }
  if (!RecordExit(spec.exit_file, ExitRecordOfLxcStatus(monitor_report->wait_status), exit_reserve,
                  Durability::kHostCrash, "boxcar-lxc-shim"))
    return 1;
  return 0;
}

}  // namespace
}  // namespace boxcar

int main(int argc, char** argv) {
  // `boxcar-lxc-shim --check`: the agent's availability probe (the loader found liblxc).
  if (argc > 1 && std::strcmp(argv[1], "--check") == 0) {
    std::printf("liblxc %s\n", ::lxc_get_version());
    return 0;
  }
  return boxcar::Run();
}
