// Paths inside a container's root, looked up from the host with openat2(2). RESOLVE_IN_ROOT
// resolves an image's symlinks and ".." as they would inside the container (clamped at its
// root), so "/data -> /../../host" never leads out of it.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// `path` (absolute or not, as seen inside the container) opened with `flags` below the
// directory `root_fd`, which acts as "/". Magic links (/proc/<pid>/root inside) are refused.
// Errors name `path` as "what".
StatusOr<UniqueFd> OpenInRoot(int root_fd, const std::string& path, int flags,
                              const std::string& what);

// `relative` opened with `flags` below the directory `dir_fd` without following any symlink
// and without ".." leaving it (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): what an untrusted
// archive names. -errno on failure (ELOOP: a symlink on the way; EXDEV: ".." above it).
int OpenBeneathWithoutSymlinks(int dir_fd, const std::string& relative, int flags);

}  // namespace boxcar
