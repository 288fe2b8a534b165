#include "lxc_shim/rootfs_lookup.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace boxcar {

namespace {

constexpr int kExitNotExecutable = 126;
constexpr int kExitNotFound = 127;
constexpr int kOpenat2Retries = 64;

// A descriptor, or -errno.
int OpenBelowRoot(int rootfs_fd, const std::string& path, int flags) {
  std::string relative = path;
  while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
  if (relative.empty()) relative = ".";
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  // NOTE: a ".." (the image's applet links are "../bin/busybox") fails with EAGAIN whenever a
  // mount or rename anywhere on the host raced with the lookup; openat2(2) says to retry.
  for (int attempt = 0;; ++attempt) {
    int fd =
        static_cast<int>(::syscall(SYS_openat2, rootfs_fd, relative.c_str(), &how, sizeof how));
    if (fd >= 0) return fd;
    if (errno != EAGAIN || attempt == kOpenat2Retries) return -errno;
  }
}

// 0 when `candidate` names an executable regular file inside the rootfs, else an errno value.
int ExecutableError(int rootfs_fd, const std::string& candidate) {
  int fd = OpenBelowRoot(rootfs_fd, candidate, O_PATH);
  if (fd < 0) return -fd;
  UniqueFd owned(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno;
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return EACCES;
  return 0;
}

std::string Join(const std::string& directory, const std::string& name) {
  if (directory.empty() || directory == ".") return name;
  return directory.back() == '/' ? directory + name : directory + "/" + name;
}

}  // namespace

StatusOr<UniqueFd> OpenInRootfs(int rootfs_fd, const std::string& path, int flags) {
  int fd = OpenBelowRoot(rootfs_fd, path, flags);
  if (fd < 0) return ErrnoStatus("open '" + path + "' in the container's rootfs", -fd);
  return UniqueFd(fd);
}

Status MakeDirectoriesInRootfs(int rootfs_fd, const std::string& path, uid_t owner_uid,
                               gid_t owner_gid) {
  std::string prefix;
  std::istringstream components(path);
  for (std::string component; std::getline(components, component, '/');) {
    if (component.empty()) continue;
    ASSIGN_OR_RETURN(UniqueFd parent, OpenInRootfs(rootfs_fd, prefix, O_PATH | O_DIRECTORY));
    prefix += "/" + component;
    // An existing name (a directory, or a symlink that the next lookup resolves inside the
    // rootfs) is fine; mkdirat never follows it.
    if (::mkdirat(parent.get(), component.c_str(), 0755) == 0) {
      if ((owner_uid != 0 || owner_gid != 0) &&
          ::fchownat(parent.get(), component.c_str(), owner_uid, owner_gid, AT_SYMLINK_NOFOLLOW) !=
              0) {
        return ErrnoStatus("chown '" + prefix + "' in the container's rootfs");
      }
    } else if (errno != EEXIST) {
      return ErrnoStatus("mkdir '" + prefix + "' in the container's rootfs");
    }
  }
  return OpenInRootfs(rootfs_fd, prefix, O_PATH | O_DIRECTORY).status();
}

CommandCheck CheckCommandInRootfs(int rootfs_fd, const std::string& command,
                                  const std::string& search_path, const std::string& working_dir) {
  int error = ENOENT;
  if (command.empty()) {
    // execvp("") fails with ENOENT.
  } else if (command.find('/') != std::string::npos) {
    error =
        ExecutableError(rootfs_fd, command.front() == '/' ? command : Join(working_dir, command));
  } else {
    // As execvp: the first executable match wins; EACCES is reported only if nothing matched.
    bool denied = false;
    std::istringstream directories(search_path);
    for (std::string directory; std::getline(directories, directory, ':');) {
      if (directory.empty() || directory.front() != '/') directory = Join(working_dir, directory);
      error = ExecutableError(rootfs_fd, Join(directory, command));
      if (error == 0) break;
      denied = denied || error == EACCES;
    }
    if (error != 0) error = denied ? EACCES : ENOENT;
  }
  if (error == 0) return {};
  if (error != EACCES) error = ENOENT;
  return {error == ENOENT ? kExitNotFound : kExitNotExecutable,
          "exec '" + command + "': " + std::strerror(error)};
}

}  // namespace boxcar
