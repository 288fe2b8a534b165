#include "shim/mount_target.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/path_components.h"

namespace boxcar {

namespace {

constexpr int kOpenat2Retries = 64;

// A descriptor, or -errno. `relative` is resolved as if `rootfs_fd` were "/".
int OpenInRoot(int rootfs_fd, const std::string& relative) {
  struct open_how how {};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  // NOTE: a lookup with ".." fails with EAGAIN when a mount or rename raced with it anywhere
  // on the host; openat2(2) says to retry.
  for (int attempt = 0;; ++attempt) {
    int fd = static_cast<int>(
        ::syscall(SYS_openat2, rootfs_fd, relative.empty() ? "." : relative.c_str(), &how,
                  sizeof how));
    if (fd >= 0) return fd;
    if (errno != EAGAIN || attempt == kOpenat2Retries) return -errno;
  }
}

}  // namespace

StatusOr<UniqueFd> OpenMountTarget(int rootfs_fd, const std::string& target,
                                   MountTargetKind kind) {
  const std::vector<std::string> components = PathComponents(target);
  UniqueFd current(OpenInRoot(rootfs_fd, ""));
  if (!current) return ErrnoStatus("open the container's root for '" + target + "'", -current.get());
  std::string prefix;
  for (size_t i = 0; i < components.size(); ++i) {
    const std::string& name = components[i];
    const bool last = i + 1 == components.size();
    prefix += (prefix.empty() ? "" : "/") + name;
    int fd = OpenInRoot(rootfs_fd, prefix);
    if (fd == -ENOENT && name != "..") {
      // `current` is the resolved parent, a directory inside the rootfs: create the entry in
      // it, never through a symlink (O_NOFOLLOW, mkdirat does not follow either).
      int made;
      if (last && kind == MountTargetKind::kFile) {
        made = ::openat(current.get(), name.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (made >= 0) ::close(made);
      } else {
        made = ::mkdirat(current.get(), name.c_str(), 0755);
      }
      if (made < 0 && errno == EEXIST) {
        return FailedPrecondition("mount target '" + target + "': '/" + prefix +
                                  "' in the image is a symlink to a path that does not exist "
                                  "inside the container");
      }
      if (made < 0) return ErrnoStatus("create mount target '/" + prefix + "'");
      fd = OpenInRoot(rootfs_fd, prefix);
    }
    if (fd < 0) return ErrnoStatus("resolve mount target '/" + prefix + "' in the rootfs", -fd);
    current.reset(fd);
    struct stat st;
    if (::fstat(current.get(), &st) != 0) return ErrnoStatus("stat mount target '/" + prefix + "'");
    const bool want_directory = !last || kind == MountTargetKind::kDirectory;
    if (want_directory && !S_ISDIR(st.st_mode)) {
      return FailedPrecondition("mount target '" + target + "': '/" + prefix +
                                "' in the image is not a directory");
    }
    if (!want_directory && S_ISDIR(st.st_mode)) {
      return FailedPrecondition("mount target '" + target +
                                "' is a directory in the image, the source a file");
    }
  }
  if (components.empty() && kind == MountTargetKind::kFile) {
    return FailedPrecondition("mount target '" + target + "' is the container's root");
  }
  return current;
}

}  // namespace boxcar
