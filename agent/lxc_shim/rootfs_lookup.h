// Files of a container's rootfs, looked up from the host before the container starts. Every
// path resolves with openat2(RESOLVE_IN_ROOT): an image's symlinks ("/etc/passwd ->
// /host/file", "..") resolve as they would inside the container and never leave the rootfs.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// Opens `path` (as seen inside the container) below the rootfs directory `rootfs_fd`.
StatusOr<UniqueFd> OpenInRootfs(int rootfs_fd, const std::string& path, int flags);

// mkdir -p of `path` inside the rootfs: mode 0755, owned by the container's root (host ids
// `owner_uid`:`owner_gid`; 0 without a user namespace), as the chroot shim makes a missing
// working directory. Existing directories (or symlinks to them) are fine.
Status MakeDirectoriesInRootfs(int rootfs_fd, const std::string& path, uid_t owner_uid = 0,
                               gid_t owner_gid = 0);

// Whether execvp(`command`) could start something inside the rootfs, searching `search_path`
// (a PATH value) when the command has no '/' and starting relative names at `working_dir`. On
// failure `exit_code` is 127 (not found) or 126 (not executable) and `message` reads like the
// chroot shim's: "exec 'x': No such file or directory".
struct CommandCheck {
  int exit_code = 0;
  std::string message;
};
CommandCheck CheckCommandInRootfs(int rootfs_fd, const std::string& command,
                                  const std::string& search_path, const std::string& working_dir);

}  // namespace boxcar
