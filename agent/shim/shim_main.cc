// boxcar-shim: one per container. boxcard starts it with a socket on fd 3, sends the
// LaunchSpec as JSON and half-closes. The shim starts the payload in new namespaces, replies
// "ok <shim pid> <payload pid>\n" (or "error <code> <message>\n"), closes fd 3, then waits for
// the payload and writes its ExitRecord atomically. It outlives boxcard restarts, so
// containers keep running and keep their exit codes when the agent is killed.
// `boxcar-shim exec` runs one more process inside a running container instead (exec_shim.h);
// `boxcar-shim zygote` forks container shims on the agent's request (shim_zygote.h);
// `boxcar-shim terminal-init` gives a payload of the lxc backend its terminal (terminal_init.h).
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/atomic_file.h"
#include "common/fd_io.h"
#include "common/pidfd.h"
#include "common/unique_fd.h"
#include "common/unix_time.h"
#include "common/user_namespace.h"
#include "launch/attach_socket.h"
#include "launch/exit_record_reserve.h"
#include "launch/launch_spec.h"
#include "shim/container_init.h"
#include "shim/exec_shim.h"
#include "shim/hardening.h"
#include "shim/joined_namespaces.h"
#include "shim/shim_zygote.h"
#include "shim/stdio_relay.h"
#include "shim/terminal_init.h"

namespace {

constexpr int kControlFd = 3;

void Reply(const std::string& line) {
  std::string message = line + "\n";
  ssize_t ignored = ::write(kControlFd, message.data(), message.size());
  (void)ignored;
}

// Everything until EOF; what could be read when reading fails.
std::string ReadOrEmpty(int fd) {
  auto content = boxcar::ReadAll(fd, "fd " + std::to_string(fd));
  return content.ok() ? *content : std::string();
}

// `boxcar-shim --control-socket PATH`: the libvirt backend's way in, where the shim is a
// libvirt domain's init and inherits no socket from the agent. It connects to the agent's
// listening socket at PATH (bound into the domain) and uses that as fd 3. False on failure.
bool ConnectControlSocket(const char* path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (std::strlen(path) >= sizeof address.sun_path) return false;
  std::strcpy(address.sun_path, path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (fd != kControlFd && ::dup2(fd, kControlFd) != kControlFd)) {
    ::close(fd);
    return false;
  }
  if (fd != kControlFd) ::close(fd);
  return true;
}

int ReadOomScoreAdj() {
  char text[16] = {};
  int fd = ::open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  return n > 0 ? std::atoi(text) : 0;
}

void WriteOomScoreAdj(int value) {
  std::string text = std::to_string(value);
  int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

// For a child cloned into a new user namespace, which waits: its cgroups (v1, and cgroup2 on
// kernels without CLONE_INTO_CGROUP), then its uid and gid maps. "" or what failed.
std::string PrepareUserNamespaceChild(pid_t child, const boxcar::LaunchSpec& spec) {
  const std::string pid = std::to_string(child);
  for (const auto& procs_file : spec.cgroup_procs_files) {
    int fd = ::open(procs_file.c_str(), O_WRONLY | O_CLOEXEC);
    bool joined =
        fd >= 0 && ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
    int saved_errno = errno;
    if (fd >= 0) ::close(fd);
    if (!joined) return "join cgroup '" + procs_file + "': " + std::strerror(saved_errno);
  }
  boxcar::Status mapped = boxcar::WriteIdMaps(child, spec.userns);
  return mapped.ok() ? "" : "map the user namespace: " + mapped.message();
}

}  // namespace

// A container's shim, from a spawned process or a zygote's fork: fd 3 is its control socket.
static int RunContainerShim() {
  // The shim must survive whatever happens to the agent's session and terminal.
  // Whatever the agent's own parent leaked to it stops here: only stdio and fd 3 stay.
  ::syscall(SYS_close_range, 4U, ~0U, 0U);
  ::setsid();
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT}) ::signal(sig, SIG_IGN);
  // A prewarmed shim sits in its container's cgroups: the OOM killer must pick the payload,
  // never the process that records its exit. (Best effort: needs CAP_SYS_RESOURCE.)
  int payload_oom_score_adj = ReadOomScoreAdj();
  WriteOomScoreAdj(-1000);
  // The container's network namespace is made before the spec arrives: creating one is the
  // dearest part of the clone (~0.7 ms), which a prewarmed shim thus pays off the critical
  // path. The payload shares it (no CLONE_NEWNET below); the shim itself needs no network.
  // The namespace it was started in is kept for a payload on the host's network.
  int host_netns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  const bool netns_made = ::unshare(CLONE_NEWNET) == 0;
  // And its lo brought up (an ioctl that costs ~0.1 ms); the child does it when this failed.
  bool loopback_up = netns_made && boxcar::BringUpLoopback();
  // The agent may now plug interfaces into /proc/<shim>/ns/net before sending the spec.
  Reply(netns_made ? "ready 1" : "ready 0");
  // Likewise the seccomp filter is compiled now; the payload only installs it. (A failure
  // shows again, and is reported, when the payload installs it.)
  (void)boxcar::PrepareSeccompFilter(boxcar::kDefaultKeptCapabilities);

  auto spec_or = boxcar::LaunchSpecFromJson(ReadOrEmpty(kControlFd));
  if (!spec_or.ok()) {
    Reply("error 125 " + spec_or.status().message());
    return 1;
  }
  const boxcar::LaunchSpec& spec = *spec_or;
  if (spec.host_network) {
    if (host_netns < 0 || ::setns(host_netns, CLONE_NEWNET) != 0) {
      Reply(std::string("error 125 join the host's network namespace: ") + std::strerror(errno));
      return 1;
    }
    loopback_up = true;  // the host's lo is the host's business
  }
  if (host_netns >= 0) ::close(host_netns);
  // Namespaces shared with another container (--network/--pid/--ipc container:NAME): entered
  // by the shim, so the payload is born in them; a joined network replaces the one made above.
  for (const auto& joined : spec.joined_namespaces) {
    if (boxcar::Status entered = boxcar::EnterJoinedNamespace(joined); !entered.ok()) {
      Reply("error 125 " + entered.message());
      return 1;
    }
    if (joined.type == "net") loopback_up = true;  // the other container's business
  }
  // A prewarmed shim was spawned at SCHED_IDLE; from here on it is on a container's start
  // path, and the payload inherits its policy.
  struct sched_param no_priority {};
  ::sched_setscheduler(0, SCHED_OTHER, &no_priority);
  if (!spec.shim_log_path.empty()) {
    int log_fd =
        ::open(spec.shim_log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log_fd >= 0) {
      ::dup2(log_fd, 2);
      ::close(log_fd);
    }
  }

  // The exit record's room, taken before the payload runs: a disk full by its exit still
  // gets its code recorded (launch/exit_record_reserve.h).
  auto exit_reserve = boxcar::MakeExitRecordReserve(spec.exit_file);
  if (!exit_reserve.ok())
    std::fprintf(stderr, "boxcar-shim: %s\n", exit_reserve.status().message().c_str());

  // With a terminal, an open stdin or an output that is not kept, the agent attaches through
  // a socket the shim listens on (shim/stdio_relay.h); the payload's stdin is then a pipe, or
  // the terminal the child opens in the container's devpts and hands back over tty_socket.
  const bool attachable = !spec.attach_socket_path.empty();
  boxcar::UniqueFd attach_listener, stdin_write, tty_socket;
  int child_tty_socket = -1;
  int stdin_fd = -1;
  if (attachable) {
    auto listener = boxcar::ListenOnAttachSocket(spec.attach_socket_path);
    if (!listener.ok()) {
      Reply("error 125 " + listener.status().message());
      return 1;
    }
    attach_listener = std::move(*listener);
  }
  if (spec.tty) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      Reply(std::string("error 125 socketpair for the terminal: ") + std::strerror(errno));
      return 1;
    }
    tty_socket.reset(pair[0]);
    child_tty_socket = pair[1];
    stdin_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // replaced by the terminal
  } else if (spec.stdin_open) {
    int stdin_pipe[2];
    if (::pipe2(stdin_pipe, O_CLOEXEC) == 0) {
      stdin_fd = stdin_pipe[0];
      stdin_write.reset(stdin_pipe[1]);
    }
  } else {
    stdin_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  // The payload writes into pipes (replaced by the terminal with tty), which the shim copies
  // into the output log as records (shim/output_log.h).
  auto output_log = boxcar::OutputLogWriter::Open(spec.stdout_path,
                                                  {spec.log_max_size_bytes, spec.log_max_files});
  if (!output_log.ok()) {
    Reply("error 125 " + output_log.status().message());
    return 1;
  }
  int stdout_pipe[2] = {-1, -1}, stderr_pipe[2] = {-1, -1};
  int error_pipe[2];
  if (stdin_fd < 0 || ::pipe2(stdout_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(stderr_pipe, O_CLOEXEC) != 0 || ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    Reply(std::string("error 125 open payload stdio: ") + std::strerror(errno));
    return 1;
  }
  boxcar::UniqueFd stdout_read(stdout_pipe[0]), stderr_read(stderr_pipe[0]);
  const int stdout_fd = stdout_pipe[1], stderr_fd = stderr_pipe[1];

  // Host paths are opened now, as host root: container root of a user namespace could not
  // reach the agent's volumes below its 0700 directories.
  auto prepared_mounts = boxcar::PrepareMounts(spec.mounts, spec.userns);
  if (!prepared_mounts.ok()) {
    Reply("error 125 " + prepared_mounts.status().message());
    return 1;
  }

  struct clone_args args {};
  args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
  // A shared namespace (the host's or one entered above) is inherited, not made.
  for (const auto& joined : spec.joined_namespaces) {
    args.flags &= ~static_cast<uint64_t>(boxcar::CloneFlagOfNamespace(joined.type));
  }
  const bool joined_network = boxcar::FindJoinedNamespace(spec.joined_namespaces, "net");
  // A user-namespaced payload gets a network namespace of its own after all: one owned by
  // its user namespace, so that its root may bring up lo there.
  if (((!netns_made && !spec.host_network) || spec.userns.enabled()) && !joined_network)
    args.flags |= CLONE_NEWNET;
  args.exit_signal = SIGCHLD;
  // Born inside its cgroup2 directory: no migration, which would cost an RCU grace period.
  boxcar::LaunchSpec& mutable_spec = *spec_or;
  int cgroup_fd = -1;
  if (!spec.cgroup_clone_into_dir.empty()) {
    cgroup_fd = ::open(spec.cgroup_clone_into_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd >= 0) {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = static_cast<uint64_t>(cgroup_fd);
    } else {
      mutable_spec.cgroup_procs_files.push_back(spec.cgroup_clone_into_dir + "/cgroup.procs");
    }
  }
  // With a user namespace the shim maps the child's ids and puts it into its v1 cgroups while
  // the child waits on this pipe; the child's own ids are no longer the host's.
  int userns_ready[2] = {-1, -1};
  if (spec.userns.enabled()) {
    args.flags |= CLONE_NEWUSER;
    if (::pipe2(userns_ready, O_CLOEXEC) != 0) {
      Reply(std::string("error 125 pipe: ") + std::strerror(errno));
      return 1;
    }
  }
  // The child reaches the rootfs as its working directory (see container_init.cc).
  if (::chdir(spec.rootfs_dir.c_str()) != 0) {
    Reply("error 125 chdir '" + spec.rootfs_dir + "': " + std::strerror(errno));
    return 1;
  }
  long child = ::syscall(SYS_clone3, &args, sizeof args);
  if (child < 0 && (args.flags & CLONE_INTO_CGROUP)) {
    // Kernels before 5.7: join by writing cgroup.procs instead.
    args.flags &= ~static_cast<uint64_t>(CLONE_INTO_CGROUP);
    mutable_spec.cgroup_procs_files.push_back(spec.cgroup_clone_into_dir + "/cgroup.procs");
    child = ::syscall(SYS_clone3, &args, sizeof args);
  }
  if (cgroup_fd >= 0 && child != 0) ::close(cgroup_fd);
  if (child < 0) {
    Reply(std::string("error 125 clone3 with new namespaces: ") + std::strerror(errno));
    return 1;
  }
  if (child == 0) {
    ::close(error_pipe[0]);
    ::close(kControlFd);
    if (userns_ready[1] >= 0) ::close(userns_ready[1]);
    attach_listener.reset();
    stdin_write.reset();
    tty_socket.reset();
    stdout_read.reset();
    stderr_read.reset();
    *output_log = boxcar::OutputLogWriter();
    for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT}) ::signal(sig, SIG_DFL);
    if (spec.userns.enabled()) mutable_spec.cgroup_procs_files.clear();  // joined by the shim
    boxcar::RunContainerInit(
        spec, {stdin_fd, stdout_fd, stderr_fd, error_pipe[1],
               spec.oom_score_adj.value_or(payload_oom_score_adj), userns_ready[0],
               loopback_up && !(args.flags & CLONE_NEWNET), &*prepared_mounts, child_tty_socket});
  }
  prepared_mounts->clear();  // the child has them
  // The shim must not pin the rootfs mount for as long as the payload runs.
  (void)!::chdir("/");
  if (spec.userns.enabled()) {
    ::close(userns_ready[0]);
    std::string error = PrepareUserNamespaceChild(static_cast<pid_t>(child), spec);
    if (error.empty() && ::write(userns_ready[1], "1", 1) != 1) error = "release the payload";
    ::close(userns_ready[1]);
    if (!error.empty()) {
      ::kill(static_cast<pid_t>(child), SIGKILL);
      while (::waitpid(static_cast<pid_t>(child), nullptr, 0) < 0 && errno == EINTR) {
      }
      Reply("error 125 " + error);
      return 1;
    }
  }
  ::close(error_pipe[1]);
  ::close(stdin_fd);
  if (child_tty_socket >= 0) ::close(child_tty_socket);
  ::close(stdout_fd);
  ::close(stderr_fd);
  if (spec.tty) {
    // The terminal carries the output: nothing will come through the pipes.
    stdout_read.reset();
    stderr_read.reset();
  }

  // EOF without a message means the payload's exec succeeded (the pipe is close-on-exec).
  std::string failure = ReadOrEmpty(error_pipe[0]);
  ::close(error_pipe[0]);
  pid_t payload_pid = static_cast<pid_t>(child);
  if (!failure.empty()) {
    int status = 0;
    while (::waitpid(payload_pid, &status, 0) < 0 && errno == EINTR) {
    }
    Reply("error " + failure);
    return 1;
  }
  boxcar::UniqueFd tty_master;
  if (spec.tty) {
    // Sent before the exec, so it is queued by now.
    tty_master.reset(boxcar::ReceiveDescriptor(tty_socket.get()));
    if (!tty_master) {
      ::kill(payload_pid, SIGKILL);
      while (::waitpid(payload_pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      Reply(std::string("error 125 receive the payload's terminal: ") + std::strerror(errno));
      return 1;
    }
    tty_socket.reset();
  }
  boxcar::UniqueFd payload_pidfd = boxcar::OpenPidfd(payload_pid);
  if (!payload_pidfd) {
    ::kill(payload_pid, SIGKILL);
    while (::waitpid(payload_pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    Reply(std::string("error 125 pidfd_open of the payload: ") + std::strerror(errno));
    return 1;
  }
  Reply("ok " + std::to_string(::getpid()) + " " + std::to_string(payload_pid));
  ::close(kControlFd);
  boxcar::RunStdioRelay({attach_listener.get(), tty_master.get(), stdin_write.get(),
                         stdout_read.get(), stderr_read.get(), &*output_log, payload_pidfd.get(),
                         spec.output_awaits_watcher});
  if (attachable) {
    attach_listener.reset();
    ::unlink(spec.attach_socket_path.c_str());
  }
  tty_master.reset();
  stdin_write.reset();
  stdout_read.reset();
  stderr_read.reset();
  *output_log = boxcar::OutputLogWriter();

  int status = 0;
  while (::waitpid(payload_pid, &status, 0) < 0) {
    if (errno != EINTR) break;
  }
  boxcar::ExitRecord record;
  if (WIFSIGNALED(status)) {
    record.exit_signal = WTERMSIG(status);
    record.exit_code = 128 + record.exit_signal;
  } else {
    record.exit_code = WEXITSTATUS(status);
  }
  record.finished_unix_ns = boxcar::NowUnixNs();
  // The exit record tells an agent that was down (or killed) how the payload ended; a host
  // crash ends container, shim and record alike, so no fsync (~0.5 ms on every exit).
  if (!boxcar::RecordExit(spec.exit_file, record, exit_reserve, boxcar::Durability::kProcessCrash,
                          "boxcar-shim"))
    return 1;
  return 0;
}

int main(int argc, char** argv) {
  // Not dumpable: until it execs the payload, a shim child inside a container's pid namespace
  // runs this host binary, and a dumpable process's /proc/<pid>/exe would hand the container
  // an fd of it to overwrite once it is no longer busy (CVE-2019-5736, runc's breakout).
  // exec of the payload makes it dumpable again, its exe then being the container's binary.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (argc > 1 && std::strcmp(argv[1], "exec") == 0) return boxcar::RunExecShim(kControlFd);
  if (argc > 1 && std::strcmp(argv[1], "terminal-init") == 0) {
    return boxcar::RunTerminalInit(argc, argv);
  }
  if (argc > 1 && std::strcmp(argv[1], "zygote") == 0) {
    // Its shims show as plain `boxcar-shim` in ps, as spawned ones do.
    char* mode = argv[1];
    return boxcar::RunShimZygote(kControlFd, [mode] {
      std::memset(mode, 0, std::strlen(mode));
      return RunContainerShim();
    });
  }
  if (argc > 2 && std::strcmp(argv[1], "--control-socket") == 0 &&
      !ConnectControlSocket(argv[2])) {
    std::fprintf(stderr, "boxcar-shim: connect to '%s': %s\n", argv[2], std::strerror(errno));
    return 125;
  }
  return RunContainerShim();
}
