#include "common/user_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

namespace boxcar {

namespace {

std::string MapLine(uint32_t host_first, uint32_t size) {
  return "0 " + std::to_string(host_first) + " " + std::to_string(size) + "\n";
}

Status WriteProcFile(pid_t pid, const char* name, const std::string& content) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  // One write: the kernel takes a map in a single write(2) or not at all.
  ssize_t written = ::write(fd.get(), content.data(), content.size());
  if (written != static_cast<ssize_t>(content.size())) {
    return ErrnoStatus("write '" + content.substr(0, content.size() - 1) + "' to '" + path + "'");
  }
  return OkStatus();
}

// The namespace holder: it shares the agent's memory (CLONE_VM), so it makes raw system calls
// only, and it waits to be killed.
int HoldNamespace(void*) {
  for (;;) ::syscall(SYS_pause);
}

constexpr size_t kHolderStackBytes = 16 * 1024;

}  // namespace

std::string IdMapping::UidMapLine() const { return MapLine(host_uid, size); }
std::string IdMapping::GidMapLine() const { return MapLine(host_gid, size); }

Status WriteIdMaps(pid_t pid, const IdMapping& mapping) {
  RETURN_IF_ERROR(WriteProcFile(pid, "uid_map", mapping.UidMapLine()));
  return WriteProcFile(pid, "gid_map", mapping.GidMapLine());
}

StatusOr<UniqueFd> OpenUserNamespace(const IdMapping& mapping) {
  // NOTE: CLONE_VM instead of a fork: no copy of the agent's page tables, and the child runs
  // nothing of the agent's (no locks, no allocator) on a stack of its own.
  auto stack = std::make_unique<char[]>(kHolderStackBytes);
  pid_t holder = ::clone(HoldNamespace, stack.get() + kHolderStackBytes,
                         CLONE_NEWUSER | CLONE_VM | SIGCHLD, nullptr);
  if (holder < 0) return ErrnoStatus("clone a process into a new user namespace");
  Status mapped = WriteIdMaps(holder, mapping);
  std::string ns_path = "/proc/" + std::to_string(holder) + "/ns/user";
  UniqueFd ns(mapped.ok() ? ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC) : -1);
  int open_errno = errno;
  ::kill(holder, SIGKILL);
  while (::waitpid(holder, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (!mapped.ok()) return mapped;
  if (!ns) return ErrnoStatus("open '" + ns_path + "'", open_errno);
  return ns;
}

}  // namespace boxcar
