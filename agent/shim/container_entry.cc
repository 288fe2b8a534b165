#include "shim/container_entry.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "common/process_start_time.h"
#include "common/pidfd.h"

namespace boxcar {

namespace {

constexpr int kNamespaceFlags =
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string ProcPath(pid_t pid, const char* entry) {
  return "/proc/" + std::to_string(pid) + "/" + entry;
}

// A pidfd polls readable once its process has exited (zombies included).
bool HasExited(int pidfd) {
  struct pollfd entry {
    pidfd, POLLIN, 0
  };
  return ::poll(&entry, 1, 0) > 0;
}

// Whether two namespace files name different namespaces; false when either cannot be read.
bool DifferentNamespaces(const std::string& a, const std::string& b) {
  struct stat first, second;
  if (::stat(a.c_str(), &first) != 0 || ::stat(b.c_str(), &second) != 0) return false;
  return first.st_dev != second.st_dev || first.st_ino != second.st_ino;
}

std::string NotRunning(pid_t pid) {
  return "the container's init process " + std::to_string(pid) + " is not running";
}

}  // namespace

std::string OpenContainerEntry(pid_t init_pid, uint64_t init_start_ticks, bool open_working_dir,
                               ContainerEntry* entry) {
  entry->init_pid = init_pid;
  entry->init_pidfd = OpenPidfd(init_pid);
  if (!entry->init_pidfd) {
    if (errno == ESRCH) return NotRunning(init_pid);
    return Errno("pidfd_open " + std::to_string(init_pid));
  }
  // The pidfd came first: if the pid still shows the expected start time, the pidfd is that
  // process and not a later one that reused the pid.
  auto start_ticks = ReadProcessStartTicks(init_pid);
  if (!start_ticks.ok()) return NotRunning(init_pid);
  if (*start_ticks != init_start_ticks) {
    return "pid " + std::to_string(init_pid) + " is no longer the container's init process (" +
           "started at tick " + std::to_string(*start_ticks) + ", expected " +
           std::to_string(init_start_ticks) + ")";
  }
  std::string root_path = ProcPath(init_pid, "root");
  entry->root_dir.reset(::open(root_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!entry->root_dir) return Errno("open '" + root_path + "'");
  entry->own_user_namespace =
      DifferentNamespaces(ProcPath(init_pid, "ns/user"), "/proc/self/ns/user");
  if (open_working_dir) {
    std::string cwd_path = ProcPath(init_pid, "cwd");
    entry->working_dir.reset(::open(cwd_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!entry->working_dir) return Errno("open '" + cwd_path + "'");
  }
  // Still alive after the opens: the /proc/<pid> paths above were that process's.
  if (HasExited(entry->init_pidfd.get())) return NotRunning(init_pid);
  return "";
}

std::string EnterContainer(const ContainerEntry& entry, bool use_namespace_files) {
  const int flags = kNamespaceFlags | (entry.own_user_namespace ? CLONE_NEWUSER : 0);
  bool entered = !use_namespace_files && ::setns(entry.init_pidfd.get(), flags) == 0;
  if (!entered && !use_namespace_files && errno != EINVAL) return Errno("setns to the container");
  if (!entered) {
    // Before Linux 5.8 setns takes no pidfd: one namespace file at a time, all opened before
    // the first setns, the user namespace first (it owns the others), the mount namespace last.
    const std::pair<const char*, int> kNamespaces[] = {
        {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
        {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}};
    struct NamespaceFile {
      UniqueFd fd;
      const char* name;
      int type;
    };
    std::vector<NamespaceFile> files;
    for (const auto& [name, type] : kNamespaces) {
      if (type == CLONE_NEWUSER && !entry.own_user_namespace) continue;
      std::string path = ProcPath(entry.init_pid, "ns/") + name;
      UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd) return Errno("open '" + path + "'");
      files.push_back({std::move(fd), name, type});
    }
    if (HasExited(entry.init_pidfd.get())) return NotRunning(entry.init_pid);
    for (const auto& file : files) {
      if (::setns(file.fd.get(), file.type) != 0)
        return Errno(std::string("setns to the ") + file.name + " namespace");
    }
  }
  if (entry.own_user_namespace &&
      (::setgroups(0, nullptr) != 0 || ::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0)) {
    return Errno("become root of the container's user namespace");
  }
  if (::fchdir(entry.root_dir.get()) != 0 || ::chroot(".") != 0)
    return Errno("chroot to the container's root");
  int working_dir = entry.working_dir.get();
  if (working_dir >= 0 ? ::fchdir(working_dir) != 0 : ::chdir("/") != 0)
    return Errno("change to the init process's working directory");
  return "";
}

}  // namespace boxcar
