// A process file descriptor (pidfd_open(2)): signals and exit waits that cannot reach another
// process after a pid is reused. Invalid on failure, with errno set.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace boxcar {

inline UniqueFd OpenPidfd(pid_t pid) {
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

}  // namespace boxcar
