// Entering a running container from the host, knowing only the host pid of its PID 1 and that
// process's start time. Everything that names host paths (/proc/<pid>/root, its cwd, the
// namespace files) is opened first and checked against the pidfd, so a pid recycled in between
// is refused; then setns and a chroot to PID 1's root: joining a mount namespace does not by
// itself guarantee the root its processes see (they may have pivoted or chrooted).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/unique_fd.h"

namespace boxcar {

struct ContainerEntry {
  pid_t init_pid = 0;
  UniqueFd init_pidfd;
  UniqueFd root_dir;     // /proc/<pid>/root
  UniqueFd working_dir;  // /proc/<pid>/cwd, when asked for
  // PID 1 lives in a user namespace of its own (not the caller's), which is joined too.
  bool own_user_namespace = false;
};

// Opens the container's PID 1 and its root (and working directory when `open_working_dir`).
// Returns "" or a message: not running, recycled pid, unreadable /proc entries.
std::string OpenContainerEntry(pid_t init_pid, uint64_t init_start_ticks, bool open_working_dir,
                               ContainerEntry* entry);

// Joins PID 1's mount, uts, ipc and net namespaces, makes its pid namespace the one of the
// caller's future children, then chroots to its root and changes to its working directory
// (or "/"). A user namespace of PID 1's own is joined first, and the caller becomes its root
// (ids 0 inside, the mapped ids on the host). One setns on the pidfd (Linux 5.8+), or
// /proc/<pid>/ns/* files on older kernels or when `use_namespace_files`. Returns "" or a message
// naming the failed step. The caller must be single-threaded (setns of a mount namespace requires
// it).
std::string EnterContainer(const ContainerEntry& entry, bool use_namespace_files);

}  // namespace boxcar
