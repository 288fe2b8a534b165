#include "shim/container_init.h"

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/unique_fd.h"
#include "shim/container_devices.h"
#include "shim/controlling_terminal.h"
#include "shim/hardening.h"
#include "shim/host_devices.h"
#include "shim/namespaced_sysctls.h"
#include "shim/process_setup.h"
#include "shim/pty_relay.h"
#include "shim/stdio_relay.h"

namespace boxcar {

namespace {

const InitFds* g_fds = nullptr;

[[noreturn]] void FailWith(int exit_code, const std::string& message) {
  FailThroughPipe(g_fds->error_pipe, exit_code, message);
}

[[noreturn]] void FailErrno(const std::string& what) {
  FailWith(kExitSetupFailed, what + ": " + std::strerror(errno));
}

// Refuses symlinks at mount targets inside the image: a hostile "/proc -> /host/path" would
// otherwise redirect our mounts outside the rootfs.
void EnsureDirectory(const std::string& path, mode_t mode) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      FailWith(kExitSetupFailed, "'" + path + "' in the image is not a directory");
    return;
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) FailErrno("mkdir '" + path + "'");
}

void Mount(const char* source, const std::string& target, const char* type, unsigned long flags,
           const char* options) {
  if (::mount(source, target.c_str(), type, flags, options) != 0) {
    FailErrno(std::string("mount ") + (type ? type : source) + " on '" + target + "'");
  }
}

void JoinCgroups(const LaunchSpec& spec) {
  for (const auto& procs_file : spec.cgroup_procs_files) {
    int fd = ::open(procs_file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) FailErrno("open '" + procs_file + "'");
    if (::write(fd, "0", 1) != 1) FailErrno("join cgroup '" + procs_file + "'");
    ::close(fd);
  }
}

// Below the rootfs, which is the working directory: relative paths only.
void SetUpDev(bool in_user_namespace, uint64_t shm_size_bytes) {
  EnsureDirectory("dev", 0755);
  Mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  struct Node {
    const char* name;
    unsigned major, minor;
  };
  // 0666 as given, without a chmod each: the payload gets the umask back below.
  const mode_t umask_before = ::umask(0);
  for (const Node& node : {Node{"null", 1, 3}, Node{"zero", 1, 5}, Node{"full", 1, 7},
                           Node{"random", 1, 8}, Node{"urandom", 1, 9}, Node{"tty", 5, 0}}) {
    std::string target = std::string("dev/") + node.name;
    if (!in_user_namespace) {
      // Made, as runc does: a node on the container's tmpfs is cheaper than a bind mount,
      // at the set-up and again when the namespace is torn down.
      if (::mknod(target.c_str(), S_IFCHR | 0666, makedev(node.major, node.minor)) != 0) {
        FailErrno("mknod '" + target + "'");
      }
      continue;
    }
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) FailErrno("create '" + target + "'");
    ::close(fd);
    // In a user namespace mknod is out of reach: bound from the host instead.
    Mount((std::string("/dev/") + node.name).c_str(), target, nullptr, MS_BIND, nullptr);
  }
  ::umask(umask_before);
  EnsureDirectory("dev/pts", 0755);
  Mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
        "newinstance,ptmxmode=0666,mode=0620");
  EnsureDirectory("dev/shm", 01777);
  const std::string shm_options = shm_size_bytes == 0
                                      ? "mode=1777,size=65536k"
                                      : "mode=1777,size=" + std::to_string(shm_size_bytes);
  Mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm_options.c_str());
  const std::pair<const char*, const char*> links[] = {{"pts/ptmx", "ptmx"},
                                                       {"/proc/self/fd", "fd"},
                                                       {"/proc/self/fd/0", "stdin"},
                                                       {"/proc/self/fd/1", "stdout"},
                                                       {"/proc/self/fd/2", "stderr"}};
  for (const auto& [target, name] : links) {
    if (::symlink(target, (std::string("dev/") + name).c_str()) != 0)
      FailErrno(std::string("symlink /dev/") + name);
  }
}

// NOTE: the rootfs is reached through the working directory, which the shim set before the
// clone and the kernel moved into our mount namespace, never by its path: container root of a
// user namespace may not search the agent's directories above it (0700, host root's).
void SetUpRootfs(const LaunchSpec& spec, std::vector<PreparedMount>& mounts) {
  // Nothing we mount from here on may propagate back to the host.
  Mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  // A bind of the rootfs onto itself, entered: pivot_root needs the new root to be a mount.
  UniqueFd bind(::open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | AT_RECURSIVE | OPEN_TREE_CLOEXEC));
  if (!bind) FailErrno("bind the rootfs '" + spec.rootfs_dir + "'");
  if (::move_mount(bind.get(), "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) != 0 ||
      ::fchdir(bind.get()) != 0) {
    FailErrno("mount the rootfs '" + spec.rootfs_dir + "' on itself");
  }
  EnsureDirectory("proc", 0555);
  Mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  EnsureDirectory("sys", 0555);
  Mount("sysfs", "sys", "sysfs",
        (spec.privileged ? 0 : MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  SetUpDev(spec.userns.enabled(), spec.shm_size_bytes);
  if (spec.privileged) {
    // The agent's device cgroup allows every device (core/container_devices.cc).
    Status bound = BindHostDevices("dev");
    if (!bound.ok()) FailWith(kExitSetupFailed, bound.message());
  }
  // The container's own mounts, below the rootfs as resolved from inside it.
  {
    UniqueFd root(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) FailErrno("open the rootfs '" + spec.rootfs_dir + "'");
    Status attached = AttachMounts(root.get(), mounts);
    if (!attached.ok()) FailWith(kExitSetupFailed, attached.message());
    Status made = MakeContainerDevices(root.get(), spec.devices, spec.userns.enabled());
    if (!made.ok()) FailWith(kExitSetupFailed, made.message());
    if (spec.read_only_rootfs) {
      Status read_only = MakeMountReadOnly(root.get(), "the root filesystem");
      if (!read_only.ok()) FailWith(kExitSetupFailed, read_only.message());
    }
  }

  // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only
  // the container's tree visible, with no host mount reachable.
  if (::syscall(SYS_pivot_root, ".", ".") != 0) FailErrno("pivot_root '" + spec.rootfs_dir + "'");
  if (::umount2(".", MNT_DETACH) != 0) FailErrno("detach the host root");
  if (::chdir("/") != 0) FailErrno("chdir /");
}

// The shim maps our ids while we wait; then we are root of the namespace (ids 0), with every
// capability in it and none outside.
void BecomeUserNamespaceRoot(int userns_ready) {
  char ready = 0;
  ssize_t n;
  while ((n = ::read(userns_ready, &ready, 1)) < 0 && errno == EINTR) {
  }
  // EOF: the shim could not map us and reports why itself.
  if (n != 1) ::_exit(kExitSetupFailed);
  ::close(userns_ready);
  if (::setgroups(0, nullptr) != 0) FailErrno("setgroups in the user namespace");
  if (::setresgid(0, 0, 0) != 0) FailErrno("setgid 0 in the user namespace");
  if (::setresuid(0, 0, 0) != 0) FailErrno("setuid 0 in the user namespace");
}

// "" from a set-up step is success; anything else is its failure message.
void CheckStep(const std::string& error) {
  if (!error.empty()) FailWith(kExitSetupFailed, error);
}

void CheckStepStatus(const Status& status) {
  if (!status.ok()) FailWith(kExitSetupFailed, status.message());
}

void MakeWorkingDirectory(const std::string& working_dir) {
  for (size_t end = 1; end <= working_dir.size(); ++end) {
    if (end != working_dir.size() && working_dir[end] != '/') continue;
    std::string prefix = working_dir.substr(0, end);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      FailErrno("mkdir working dir '" + prefix + "'");
    }
  }
}

// The payload's terminal (shim/controlling_terminal.h), owned by its user. Returns the slave.
int TakeTerminal(int tty_socket, const ResolvedUser& user) {
  UniqueFd slave;
  CheckStep(TakeContainerTerminal(tty_socket, user.uid, &slave));
  ::close(tty_socket);
  return slave.release();
}

}  // namespace

bool BringUpLoopback() {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return false;
  struct ifreq request {};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  const bool up = ::ioctl(sock, SIOCSIFFLAGS, &request) == 0;
  const int saved = errno;
  ::close(sock);
  errno = saved;
  return up;
}

void RunContainerInit(const LaunchSpec& spec, const InitFds& fds) {
  g_fds = &fds;
  if (fds.userns_ready >= 0) BecomeUserNamespaceRoot(fds.userns_ready);
  // Best effort for the value the shim started with; --oom-score-adj must take.
  std::string oom_error = SetOomScoreAdj(fds.oom_score_adj);
  if (spec.oom_score_adj) CheckStep(oom_error);
  JoinCgroups(spec);
  SetUpRootfs(spec, *fds.mounts);
  // A shared UTS namespace (--uts host) keeps its hostname.
  if (!spec.hostname.empty() && !FindJoinedNamespace(spec.joined_namespaces, "uts") &&
      ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0) {
    FailErrno("sethostname '" + spec.hostname + "'");
  }
  if (!fds.loopback_up && !BringUpLoopback()) FailErrno("bring up lo");
  // Our own /proc now, its /proc/sys still writable; the network's interfaces were plugged in
  // before the spec came (a per-interface key finds its eth0).
  if (!spec.sysctls.empty()) CheckStepStatus(WriteNamespacedSysctls(spec.sysctls, "/proc/sys"));
  CheckStep(ApplyRlimits(spec.rlimits));

  // privileged: /proc as the kernel shows it.
  if (!spec.privileged) CheckStep(HardenProc());
  CheckStep(DropCapabilities(spec.kept_capabilities));

  std::string working_dir = spec.working_dir.empty() ? "/" : spec.working_dir;
  MakeWorkingDirectory(working_dir);
  ResolvedUser user;
  CheckStep(ResolveContainerUser(spec.user, spec.group_add, &user));
  const int tty_slave = fds.tty_socket >= 0 ? TakeTerminal(fds.tty_socket, user) : -1;
  CheckStep(FilterBeforeUserSwitch(spec.confinement, spec.kept_capabilities));
  CheckStep(SwitchToUser(user));
  if (::chdir(working_dir.c_str()) != 0) FailErrno("chdir working dir '" + working_dir + "'");

  if (tty_slave >= 0) {
    if (::dup2(tty_slave, 0) < 0 || ::dup2(tty_slave, 1) < 0 || ::dup2(tty_slave, 2) < 0) {
      FailErrno("dup2 the terminal");
    }
    if (tty_slave > 2) ::close(tty_slave);
  } else if (::dup2(fds.stdin_fd, 0) < 0 || ::dup2(fds.stdout_fd, 1) < 0 ||
             ::dup2(fds.stderr_fd, 2) < 0) {
    FailErrno("dup2 stdio");
  }
  std::vector<std::string> env = WithDefaultVariables(spec.env, user, spec.hostname);
  if (tty_slave >= 0 && !HasVariable(env, "TERM")) env.push_back("TERM=xterm");
  HardenAndExec(spec.argv, std::move(env), spec.confinement, spec.kept_capabilities,
                fds.error_pipe);
}

}  // namespace boxcar
