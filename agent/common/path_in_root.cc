#include "common/path_in_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace boxcar {

namespace {

constexpr int kOpenat2Retries = 64;

// A descriptor, or -errno.
int Openat2(int dir_fd, const std::string& path, int flags, uint64_t resolve) {
  std::string relative = path;
  while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
  if (relative.empty()) relative = ".";
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = resolve;
  // NOTE: a lookup with ".." fails with EAGAIN whenever a mount or rename anywhere on the host
  // raced with it; openat2(2) says to retry.
  for (int attempt = 0;; ++attempt) {
    int fd = static_cast<int>(::syscall(SYS_openat2, dir_fd, relative.c_str(), &how, sizeof how));
    if (fd >= 0) return fd;
    if (errno != EAGAIN || attempt == kOpenat2Retries) return -errno;
  }
}

}  // namespace

StatusOr<UniqueFd> OpenInRoot(int root_fd, const std::string& path, int flags,
                              const std::string& what) {
  int fd = Openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return ErrnoStatus(what + ": '" + path + "' inside the container", -fd);
  return UniqueFd(fd);
}

int OpenBeneathWithoutSymlinks(int dir_fd, const std::string& relative, int flags) {
  return Openat2(dir_fd, relative, flags,
                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

}  // namespace boxcar
